package dev.patchbay.probe.check;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class OutcomeTest {

    @Test
    void theCodesAreExactlyThoseOfTheApi() {
        assertThat(Arrays.stream(Failure.values()).map(Failure::code).collect(Collectors.toSet()))
                .isEqualTo(Set.of(
                        "credentials_rejected",
                        "unreachable",
                        "timeout",
                        "tls_error",
                        "blocked_destination",
                        "destination_mismatch",
                        "circuit_open",
                        "unexpected_response",
                        "revoked"));
    }

    @Test
    void aHealthyOutcomeCarriesNoError() {
        assertThat(Outcome.healthy().isHealthy()).isTrue();
        assertThat(Outcome.healthy().error()).isNull();
    }

    @Test
    void theMessageIsTheFixedTextWithAtMostAStatusOrAnSqlState() {
        assertThat(Outcome.failed(Failure.CREDENTIALS_REJECTED, 401).error().message())
                .isEqualTo("The system refused the credential (HTTP 401).");
        assertThat(Outcome.failed(Failure.CREDENTIALS_REJECTED, "28P01").error().message())
                .isEqualTo("The system refused the credential (SQLState 28P01).");
        assertThat(Outcome.failed(Failure.TIMEOUT).error().code()).isEqualTo("timeout");
    }

    @Test
    void anythingButAnSqlStateOrAStatusIsDropped() {
        assertThat(Outcome.failed(Failure.UNEXPECTED_RESPONSE, "password=hunter2")
                        .error()
                        .message())
                .isEqualTo(Failure.UNEXPECTED_RESPONSE.message());
        assertThat(Outcome.failed(Failure.UNEXPECTED_RESPONSE, "42p01").error().message())
                .isEqualTo(Failure.UNEXPECTED_RESPONSE.message());
        assertThat(Outcome.failed(Failure.UNEXPECTED_RESPONSE, 70000).error().message())
                .isEqualTo(Failure.UNEXPECTED_RESPONSE.message());
    }

    @Test
    void onlyFailuresOfTheSystemCountAgainstTheCircuit() {
        assertThat(Arrays.stream(Failure.values()).filter(Failure::countsAgainstCircuit))
                .containsExactlyInAnyOrder(
                        Failure.UNREACHABLE, Failure.TIMEOUT, Failure.TLS_ERROR, Failure.UNEXPECTED_RESPONSE);
    }

    @Test
    void aFailedCheckCarriesNoCauseAndNoForeignText() {
        var failed = new CheckFailed(Outcome.failed(Failure.UNREACHABLE));
        assertThat(failed.getCause()).isNull();
        assertThat(failed.getStackTrace()).isEmpty();
        assertThat(failed.getMessage()).isEqualTo("unreachable");
    }
}
