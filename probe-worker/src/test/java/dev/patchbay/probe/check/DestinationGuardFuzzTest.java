package dev.patchbay.probe.check;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.net.InetAddress;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Coverage-guided fuzzing (Jazzer) of the SSRF guard, the parser of the most hostile input the worker takes: a
 * tenant's host name. Every name resolves to loopback here, as a rebinding DNS server would answer, and no network
 * is allowed: whatever the host string, the guard must refuse it, and refuse it only in the two ways it declares.
 * In the test run Jazzer replays its corpus and fuzzes for a bounded time (JAZZER_FUZZ, set by the build); a longer
 * campaign is described in README.md.
 */
class DestinationGuardFuzzTest {

    private static final DestinationGuard REBOUND_TO_LOOPBACK = new DestinationGuard(List.of(), host ->
            new InetAddress[] {InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1})});

    @FuzzTest(maxDuration = "20s")
    void noHostStringGetsPastTheGuardToLoopback(FuzzedDataProvider data) {
        var host = data.consumeString(300);
        var port = data.consumeInt(-5, 70000);
        try {
            var destination = REBOUND_TO_LOOPBACK.check(host, port);
            var address = destination.address();
            assertThat(address.isLoopbackAddress()
                            || address.isAnyLocalAddress()
                            || address.isSiteLocalAddress()
                            || address.isLinkLocalAddress()
                            || address.isMulticastAddress())
                    .as("host %s passed the guard as %s", host, address)
                    .isFalse();
        } catch (DestinationBlocked | CheckFailed refused) {
            // the two refusals the guard declares
        }
    }
}
