package dev.patchbay.probe.proxy;

import dev.patchbay.probe.check.Injection;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class HeaderRulesTest {

    private static final String SECRET = "tok_live_5f0f5c2e/+=";
    private static final Injection BEARER =
            new Injection(Map.of("Authorization", "Bearer " + SECRET), List.of(SECRET, "Bearer " + SECRET));

    @Test
    void theCallersCredentialsHopByHopAndForwardingHeadersNeverReachTheVendor() {
        var caller = new DefaultHttpHeaders()
                .add("Authorization", "Bearer caller-token")
                .add("Proxy-Authorization", "Basic x")
                .add("Cookie", "a=1")
                .add("Connection", "keep-alive, X-Private")
                .add("X-Private", "named by Connection")
                .add("Keep-Alive", "timeout=5")
                .add("TE", "trailers")
                .add("Upgrade", "h2c")
                .add("Transfer-Encoding", "chunked")
                .add("Forwarded", "for=10.0.0.7")
                .add("X-Forwarded-For", "10.0.0.7")
                .add("Via", "1.1 edge")
                .add("Host", "evil.example")
                .add("Accept", "application/json")
                .add("X-Request-Id", "r-1");

        var sent = HeaderRules.toVendor(caller, Map.of(), BEARER);

        assertThat(sent.names()).containsExactlyInAnyOrder("Accept", "X-Request-Id", "Authorization");
        assertThat(sent.get("Authorization")).isEqualTo("Bearer " + SECRET);
    }

    @Test
    void metadataHeadersFillInWhatTheCallerDidNotSendAndNeverTheCredentialOrFraming() {
        var caller = new DefaultHttpHeaders().add("X-Customer", "from-caller");
        var metadata = Map.<String, Object>of(
                "header.X-Customer", "cus_42",
                "header.X-Region", "eu",
                "header.Authorization", "Bearer operator",
                "header.Host", "evil.example",
                "header.Bad Name", "x",
                "header.X-Split", "a\r\nInjected: yes",
                "default_customer_id", "cus_1");

        var sent = HeaderRules.toVendor(caller, metadata, BEARER);

        assertThat(sent.get("X-Customer")).isEqualTo("from-caller");
        assertThat(sent.get("X-Region")).isEqualTo("eu");
        assertThat(sent.get("Authorization")).isEqualTo("Bearer " + SECRET);
        assertThat(sent.contains("Host")).isFalse();
        assertThat(sent.contains("X-Split")).isFalse();
        assertThat(sent.contains("Injected")).isFalse();
        assertThat(sent.contains("default_customer_id")).isFalse();
    }

    @Test
    void theVendorsCookiesAndHopByHopHeadersNeverReachTheCaller() {
        var vendor = new DefaultHttpHeaders()
                .add("Set-Cookie", "session=1")
                .add("Set-Cookie2", "old=1")
                .add("Connection", "close, X-Internal")
                .add("X-Internal", "named by Connection")
                .add("Transfer-Encoding", "chunked")
                .add("Content-Encoding", "gzip")
                .add("Content-Length", "12")
                .add("Content-Type", "application/json")
                .add("Link", "<https://api.example.com/items?page=2>; rel=next");

        var passed = HeaderRules.toCaller(vendor);

        assertThat(passed.names()).containsExactlyInAnyOrder("Content-Type", "Link");
    }

    @Test
    void anEchoIsFoundAsItIsBase64OrPercentEncodedInAHeaderOrTheBody() {
        var bytes = SECRET.getBytes(StandardCharsets.UTF_8);
        var forms = List.of(
                SECRET,
                Base64.getEncoder().encodeToString(bytes),
                Base64.getUrlEncoder().withoutPadding().encodeToString(bytes),
                URLEncoder.encode(SECRET, StandardCharsets.UTF_8));
        for (var form : forms) {
            var body = ("{\"debug\":\"" + form + "\"}").getBytes(StandardCharsets.UTF_8);
            assertThat(HeaderRules.echoes(new DefaultHttpHeaders(), body, BEARER))
                    .as(form)
                    .isTrue();
            assertThat(HeaderRules.echoes(new DefaultHttpHeaders().add("X-Debug", form), new byte[0], BEARER))
                    .as(form)
                    .isTrue();
        }
        assertThat(HeaderRules.echoes(
                        new DefaultHttpHeaders().add("Date", "Mon, 07 Dec 2026"),
                        "{\"ok\":true}".getBytes(StandardCharsets.UTF_8),
                        BEARER))
                .isFalse();
    }

    @Test
    void aValueTooShortToBeASecretIsNotLookedFor() {
        var shortId = new Injection(Map.of(), List.of("c", "1234567"));

        assertThat(HeaderRules.echoes(
                        new DefaultHttpHeaders().add("Date", "Mon, 07 Dec 2026"),
                        "c 1234567".getBytes(StandardCharsets.UTF_8),
                        shortId))
                .isFalse();
    }
}
