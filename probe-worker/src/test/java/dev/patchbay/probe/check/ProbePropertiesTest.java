package dev.patchbay.probe.check;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProbePropertiesTest {

    @Test
    void theDefaultsAllowNoPrivateNetworkAndStayBelowTheRequestersTimeout() {
        var defaults = ProbeProperties.defaults();

        assertThat(defaults.allowedNetworks()).isEmpty();
        assertThat(defaults.checkTimeout()).isLessThan(Duration.ofSeconds(15));
        assertThat(defaults.circuitBreaker().windowSize()).isEqualTo(5);
        assertThat(defaults.circuitBreaker().failureRateThreshold()).isEqualTo(50);
        assertThat(defaults.circuitBreaker().openFor()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void aMalformedNetworkStopsTheWorkerAndSaysWhich() {
        assertThatThrownBy(() -> ProbeProperties.defaults().withAllowedNetworks("127.0.0.0/8", "intranet"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("allowed-networks")
                .hasMessageContaining("intranet");
    }

    @Test
    void blankEntriesAreIgnored() {
        assertThat(ProbeProperties.defaults()
                        .withAllowedNetworks(" 127.0.0.0/8 ", "")
                        .networks())
                .containsExactly(Cidr.parse("127.0.0.0/8"));
    }

    @Test
    void timeoutsMustBePositiveAndTheCheckAtLeastAsLongAsTheConnect() {
        assertThatThrownBy(() -> ProbeProperties.defaults().withTimeouts(Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ProbeProperties.defaults().withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ProbeProperties(
                        List.of(), Duration.ofSeconds(1), Duration.ofSeconds(2), 0, Duration.ofMinutes(1), null, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ProbeProperties.CircuitBreaker(5, 0, Duration.ofSeconds(1), 10))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void oneTenantMayTakeAtMostEveryThread() {
        assertThat(ProbeProperties.defaults().tenantConcurrency()).isEqualTo(4);
        assertThat(new ProbeProperties(
                                List.of(),
                                Duration.ofSeconds(1),
                                Duration.ofSeconds(2),
                                2,
                                Duration.ofMinutes(1),
                                null,
                                4)
                        .tenantConcurrency())
                .isEqualTo(2);
        for (int tenantConcurrency : new int[] {0, -1, 257}) {
            assertThatThrownBy(() -> new ProbeProperties(
                            List.of(),
                            Duration.ofSeconds(1),
                            Duration.ofSeconds(2),
                            8,
                            Duration.ofMinutes(1),
                            null,
                            tenantConcurrency))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
