package dev.patchbay.probe.proxy;

import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.TenantId;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class PermitsTest {

    private final TenantId tenant = TenantId.of("t1");

    @Test
    void aTenantOverItsLimitIsRefusedWhateverTheConnectionAndGetsPermitsBackAsCallsEnd() {
        var permits = new Permits(2, 3);
        var first = permits.acquire(tenant, connection()).orElseThrow();
        permits.acquire(tenant, connection()).orElseThrow();
        permits.acquire(tenant, connection()).orElseThrow();

        assertThat(permits.acquire(tenant, connection())).isEmpty();
        assertThat(permits.acquire(TenantId.of("t2"), connection())).isPresent();

        first.close();
        first.close();
        assertThat(permits.acquire(tenant, connection())).isPresent();
        assertThat(permits.acquire(tenant, connection())).isEmpty();
    }

    @Test
    void aConnectionOverItsLimitIsRefusedWithoutTakingTheTenantsPermit() {
        var permits = new Permits(1, 2);
        var busy = connection();
        var held = permits.acquire(tenant, busy).orElseThrow();

        assertThat(permits.acquire(tenant, busy)).isEmpty();
        assertThat(permits.acquire(tenant, connection())).isPresent();

        held.close();
        assertThat(permits.inFlight()).isEqualTo(1);
    }

    private static ConnectionId connection() {
        return new ConnectionId(UUID.randomUUID());
    }
}
