package dev.patchbay.probe.proxy;

import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.TenantId;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many calls run at once, per connection and per tenant, in this worker: one busy tenant or one slow vendor
 * cannot take every thread. A call over either limit is refused at once (429), never queued. Counters exist only
 * while calls run, so their number is bounded by the calls in flight, not by the connections.
 */
final class Permits {

    /** A held permit; closing it gives it back. */
    interface Held extends AutoCloseable {
        @Override
        void close();
    }

    private final int perConnection;
    private final int perTenant;
    private final ConcurrentHashMap<ConnectionId, Integer> connections = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<TenantId, Integer> tenants = new ConcurrentHashMap<>();

    Permits(int perConnection, int perTenant) {
        this.perConnection = perConnection;
        this.perTenant = perTenant;
    }

    /** A permit for one call, or empty when the tenant or the connection is at its limit. */
    Optional<Held> acquire(TenantId tenant, ConnectionId connection) {
        if (!take(tenants, tenant, perTenant)) {
            return Optional.empty();
        }
        if (!take(connections, connection, perConnection)) {
            give(tenants, tenant);
            return Optional.empty();
        }
        return Optional.of(new Held() {
            private boolean closed;

            @Override
            public synchronized void close() {
                if (!closed) {
                    closed = true;
                    give(connections, connection);
                    give(tenants, tenant);
                }
            }
        });
    }

    /** Calls in flight (for tests and metrics). */
    int inFlight() {
        return connections.values().stream().mapToInt(Integer::intValue).sum();
    }

    private static <K> boolean take(ConcurrentHashMap<K, Integer> counts, K key, int limit) {
        var taken = new boolean[1];
        counts.compute(key, (unused, count) -> {
            int now = count == null ? 0 : count;
            if (now >= limit) {
                return count;
            }
            taken[0] = true;
            return now + 1;
        });
        return taken[0];
    }

    private static <K> void give(ConcurrentHashMap<K, Integer> counts, K key) {
        counts.computeIfPresent(key, (unused, count) -> count <= 1 ? null : count - 1);
    }
}
