package dev.patchbay.probe.proxy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProxyPathTest {

    private static final String ID = "0193f6a2-7c1e-7d7a-9a53-3b8f1f0c2b11";
    private static final String ROUTE = "/v1/connections/" + ID + "/proxy";

    @Test
    void aPathAndItsQueryGoToTheVendorAsWritten() {
        var path = ProxyPath.of(ROUTE + "/items/5f0f%20item/accounts;v=2?page=2&filter=a%2Cb")
                .orElseThrow();

        assertThat(path.connectionId()).isEqualTo(ID);
        assertThat(path.pathAndQuery()).isEqualTo("/items/5f0f%20item/accounts;v=2?page=2&filter=a%2Cb");
        assertThat(path.path()).isEqualTo("/items/5f0f%20item/accounts;v=2");
    }

    @Test
    void theRouteAloneIsTheOriginsRootAndATrailingSlashStays() {
        assertThat(ProxyPath.of(ROUTE).orElseThrow().pathAndQuery()).isEqualTo("/");
        assertThat(ProxyPath.of(ROUTE + "?q=1").orElseThrow().pathAndQuery()).isEqualTo("/?q=1");
        assertThat(ProxyPath.of(ROUTE + "/api/links/").orElseThrow().pathAndQuery())
                .isEqualTo("/api/links/");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "/v1/connections",
                "/v1/connections/" + ID,
                "/v1/connections/" + ID + "/proxyx/a",
                "/v1/connections/" + ID + "/history",
                "/v1/connections//proxy/a",
                "/actuator/health"
            })
    void otherRoutesAreNotTheProxys(String uri) {
        assertThat(ProxyPath.of(uri)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "/..",
                "/../admin",
                "/a/../../admin",
                "/a/..",
                "/.",
                "/./a",
                "/%2e%2e/admin",
                "/%2E%2e/admin",
                "/.%2e/admin",
                "/a%2fb",
                "/a%2F..%2Fb",
                "/a%5cb",
                "/a%5Cb",
                "/a\\b",
                "//evil.example/x",
                "/a//b",
                "/http://evil.example/",
                "/https:%2F%2Fevil.example",
                "/HTTP:evil.example",
                "/javascript:alert(1)",
                "/@evil.example",
                "/user@evil.example/x",
                "/a%40evil.example",
                "/%252e%252e/admin",
                "/a%252fb",
                "/a%00b",
                "/a%0d%0aHost:%20evil.example",
                "/a%7f",
                "/a%zz",
                "/a%2",
                "/a%",
                "/a b",
                "/a\"b",
                "/a<b",
                "/caf\u00e9",
                "/a?x=%0d%0aHost:%20evil",
                "/a?x=%",
                "/a?x=<script>",
                "/a#fragment"
            })
    void aPathThatCouldLeaveTheOriginIsRefused(String escape) {
        assertThatThrownBy(() -> ProxyPath.of(ROUTE + escape))
                .isInstanceOf(ProxyPath.Refused.class)
                .satisfies(refused ->
                        assertThat(((ProxyPath.Refused) refused).connectionId()).isEqualTo(ID));
    }

    @Test
    void aRefusalNeverQuotesThePath() {
        assertThatThrownBy(() -> ProxyPath.of(ROUTE + "/secret-looking%2fvalue"))
                .hasMessageNotContaining("secret-looking");
    }

    @Test
    void anOverlongPathIsRefused() {
        assertThatThrownBy(() -> ProxyPath.of(ROUTE + "/" + "a".repeat(5000))).isInstanceOf(ProxyPath.Refused.class);
    }
}
