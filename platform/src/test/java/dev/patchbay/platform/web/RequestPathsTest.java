package dev.patchbay.platform.web;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RequestPathsTest {

    @Test
    void aWebhookDeliveryPathLosesItsTokenAndOtherPathsStayAsTheyAre() {
        assertThat(RequestPaths.redacted("/v1/webhooks/pluggy/pbwh_s3cr3t")).isEqualTo("/v1/webhooks/pluggy/{token}");
        assertThat(RequestPaths.redacted("/v1/webhooks/belvo/abc/")).isEqualTo("/v1/webhooks/belvo/{token}/");
        assertThat(RequestPaths.redacted("/v1/webhooks/tokens/wht_1")).isEqualTo("/v1/webhooks/tokens/wht_1");
        assertThat(RequestPaths.redacted("/v1/connections/abc")).isEqualTo("/v1/connections/abc");
    }
}
