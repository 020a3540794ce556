package dev.patchbay.probe.connection;

import dev.patchbay.contracts.connection.TenantId;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which checks a worker takes: at most {@code patchbay.probe.tenant-concurrency} of one tenant at once, and of those
 * a scheduled re-check never the last. A tenant's re-checks come by the thousand and nobody waits for them; a manual
 * test has a person or a client on the other end. So however many re-checks arrive, a slot stays free for the
 * tenant's next manual test. A worker that takes one check per tenant therefore runs no re-checks.
 */
final class Admission {

    private final int perTenant;
    private final Map<TenantId, Integer> inFlight = new ConcurrentHashMap<>();

    Admission(int perTenant) {
        this.perTenant = perTenant;
    }

    /** Takes a slot of the tenant's, if this kind of check may have one now. */
    boolean admit(TenantId tenant, boolean recheck) {
        int limit = recheck ? perTenant - 1 : perTenant;
        var admitted = new boolean[1];
        inFlight.compute(tenant, (key, running) -> {
            int now = running == null ? 0 : running;
            admitted[0] = now < limit;
            return admitted[0] ? Integer.valueOf(now + 1) : running;
        });
        return admitted[0];
    }

    /** Gives back a slot taken by {@link #admit}. */
    void release(TenantId tenant) {
        inFlight.computeIfPresent(tenant, (key, running) -> running > 1 ? running - 1 : null);
    }
}
