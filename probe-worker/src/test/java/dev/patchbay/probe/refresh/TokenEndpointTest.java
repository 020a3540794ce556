package dev.patchbay.probe.refresh;

import dev.patchbay.probe.check.DestinationGuard;
import dev.patchbay.probe.check.HttpProbe;
import dev.patchbay.probe.check.ProbeProperties;
import dev.patchbay.vault.Credential;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The refresh grant's client against a local stand-in of an RFC 6749 token endpoint ({@link OAuth2StandIn}; a real
 * provider cannot be reached from here), over real HTTP through the worker's guard, which allows loopback here as an
 * operator's {@code allowed-networks} would.
 */
class TokenEndpointTest {

    // time bounds wide enough for a loaded machine: only the slow endpoint's test runs into them
    private static final ProbeProperties LOOPBACK_ALLOWED = new ProbeProperties(
            List.of("127.0.0.0/8"),
            Duration.ofSeconds(3),
            Duration.ofSeconds(3),
            1,
            Duration.ofMinutes(2),
            new ProbeProperties.CircuitBreaker(5, 50, Duration.ofSeconds(30), 100),
            1);

    private final TokenEndpoint endpoint = endpoint(LOOPBACK_ALLOWED);
    // characters that §2.3.1's form encoding must carry: a colon, an ampersand, a plus, a space, a slash
    private final OAuth2StandIn provider = new OAuth2StandIn("client:1", "s&cr=t +/x");

    @AfterEach
    void stop() {
        provider.close();
    }

    private static TokenEndpoint endpoint(ProbeProperties properties) {
        return new TokenEndpoint(new HttpProbe(new DestinationGuard(properties), properties));
    }

    private Credential credential(String refreshToken) {
        return credential("client:1", "s&cr=t +/x", refreshToken);
    }

    private static Credential credential(String id, String secret, String refreshToken) {
        return Credential.of(Map.of(
                "client_id", id, "client_secret", secret, "access_token", "at-old", "refresh_token", refreshToken));
    }

    @Test
    void theGrantCarriesBasicClientAuthenticationAndTheRefreshTokenInAFormOfKnownLength() {
        var refreshToken = provider.issueRefreshToken();

        var answer = endpoint.refresh(provider.tokenEndpoint(), null, "read write", credential(refreshToken));

        assertThat(answer).isInstanceOf(TokenAnswer.Issued.class);
        var issued = (TokenAnswer.Issued) answer;
        assertThat(issued.accessToken()).startsWith("at-");
        assertThat(issued.refreshToken()).startsWith("rt-").isNotEqualTo(refreshToken);
        assertThat(issued.expiresIn()).isEqualTo(3600L);
        var grant = provider.grants().get(0);
        assertThat(grant.clientAuthentication()).isEqualTo("client_secret_basic");
        assertThat(grant.clientId()).isEqualTo("client:1");
        assertThat(grant.clientSecret()).isEqualTo("s&cr=t +/x");
        assertThat(grant.form())
                .containsExactly(
                        Map.entry("grant_type", "refresh_token"),
                        Map.entry("refresh_token", refreshToken),
                        Map.entry("scope", "read write"));
        assertThat(grant.contentType()).isEqualTo("application/x-www-form-urlencoded");
        assertThat(grant.contentLength()).isNotNull();
        assertThat(grant.transferEncoding()).isNull();
        assertThat(provider.received()).hasSize(1);
        assertThat(issued.toString()).doesNotContain(issued.accessToken()).doesNotContain(issued.refreshToken());
    }

    @Test
    void clientSecretPostPutsTheClientInTheFormAndSendsNoAuthorization() {
        var refreshToken = provider.issueRefreshToken();

        var answer = endpoint.refresh(provider.tokenEndpoint(), "client_secret_post", null, credential(refreshToken));

        assertThat(answer).isInstanceOf(TokenAnswer.Issued.class);
        var grant = provider.grants().get(0);
        assertThat(grant.clientAuthentication()).isEqualTo("client_secret_post");
        assertThat(grant.form())
                .containsExactly(
                        Map.entry("grant_type", "refresh_token"),
                        Map.entry("refresh_token", refreshToken),
                        Map.entry("client_id", "client:1"),
                        Map.entry("client_secret", "s&cr=t +/x"));
        assertThat(provider.received().get(0).header("Authorization")).isNull();
    }

    @Test
    void aProviderThatSendsNoNewRefreshTokenAnswersWithoutOne() {
        provider.rotatingRefreshTokens(false).expiresIn(null);

        var answer = (TokenAnswer.Issued)
                endpoint.refresh(provider.tokenEndpoint(), null, null, credential(provider.issueRefreshToken()));

        assertThat(answer.refreshToken()).isNull();
        assertThat(answer.expiresIn()).isNull();
    }

    @Test
    void aRevokedGrantAndAWrongSecretAreRefusalsForGoodWithNothingOfTheProvidersWords() {
        var revoked = provider.issueRefreshToken();
        provider.revoke(revoked);

        var refused = endpoint.refresh(provider.tokenEndpoint(), null, null, credential(revoked));
        var wrongSecret = endpoint.refresh(
                provider.tokenEndpoint(),
                null,
                null,
                credential("client:1", "not-the-secret", provider.issueRefreshToken()));

        assertThat(refused).isEqualTo(new TokenAnswer.Refused("invalid_grant"));
        assertThat(wrongSecret).isEqualTo(new TokenAnswer.Refused("invalid_client"));
        assertThat(provider.answers()).allMatch(body -> body.contains(OAuth2StandIn.PROVIDER_WORDS));
        assertThat(refused.toString() + wrongSecret).doesNotContain(OAuth2StandIn.PROVIDER_WORDS);
    }

    @Test
    void serverErrorsAndRateLimitsMayPassAndSayWhenToComeBack() {
        var date = ZonedDateTime.now(ZoneOffset.UTC).plusMinutes(10).withNano(0);
        provider.forceNext(new OAuth2StandIn.Forced(503, "", "Retry-After", "120"))
                .forceNext(new OAuth2StandIn.Forced(
                        429, "", "Retry-After", DateTimeFormatter.RFC_1123_DATE_TIME.format(date)))
                .forceNext(new OAuth2StandIn.Forced(500, "<html>oops</html>"))
                .forceNext(new OAuth2StandIn.Forced(
                        400, "{\"error\":\"temporarily_unavailable\"}", "Content-Type", "application/json"))
                .forceNext(new OAuth2StandIn.Forced(400, "{\"error\":\"invalid_scope\"}"));
        var refreshToken = provider.issueRefreshToken();
        var before = Instant.now();

        var unavailable =
                (TokenAnswer.Failed) endpoint.refresh(provider.tokenEndpoint(), null, null, credential(refreshToken));
        var limited =
                (TokenAnswer.Failed) endpoint.refresh(provider.tokenEndpoint(), null, null, credential(refreshToken));
        var failing =
                (TokenAnswer.Failed) endpoint.refresh(provider.tokenEndpoint(), null, null, credential(refreshToken));
        var busy =
                (TokenAnswer.Failed) endpoint.refresh(provider.tokenEndpoint(), null, null, credential(refreshToken));
        var badScope =
                (TokenAnswer.Failed) endpoint.refresh(provider.tokenEndpoint(), null, null, credential(refreshToken));

        assertThat(unavailable.code()).isEqualTo("server_error");
        assertThat(unavailable.retryAfter())
                .isBetween(before.plusSeconds(120), Instant.now().plusSeconds(120));
        assertThat(limited.code()).isEqualTo("rate_limited");
        assertThat(limited.retryAfter()).isEqualTo(date.toInstant());
        assertThat(failing).isEqualTo(new TokenAnswer.Failed("server_error", null));
        assertThat(busy.code()).isEqualTo("server_error");
        assertThat(badScope).isEqualTo(new TokenAnswer.Failed("unexpected_response", null));
    }

    @Test
    void anEndpointSlowerThanTheCheckTimeIsATimeout() {
        provider.delay(Duration.ofSeconds(8));

        var answer = endpoint.refresh(provider.tokenEndpoint(), null, null, credential(provider.issueRefreshToken()));

        assertThat(answer).isEqualTo(new TokenAnswer.Failed("timeout", null));
    }

    @Test
    void aBlockedOrClosedEndpointIsUnreachableAndNothingIsSent() {
        var guarded = endpoint(new ProbeProperties(
                List.of(),
                Duration.ofSeconds(1),
                Duration.ofSeconds(1),
                1,
                Duration.ofMinutes(2),
                new ProbeProperties.CircuitBreaker(5, 50, Duration.ofSeconds(30), 100),
                1));

        var blocked = guarded.refresh(provider.tokenEndpoint(), null, null, credential(provider.issueRefreshToken()));
        var closed = endpoint.refresh("http://127.0.0.1:1/oauth/token", null, null, credential("rt"));

        assertThat(blocked).isEqualTo(new TokenAnswer.Failed("unreachable", null));
        assertThat(closed).isEqualTo(new TokenAnswer.Failed("unreachable", null));
        assertThat(provider.received()).isEmpty();
    }

    @Test
    void onlyABearerTokenWithAPositiveLifetimeIsTaken() {
        var now = Instant.now();
        var headers = new DefaultHttpHeaders();

        assertThat(endpoint.read(200, headers, bytes("{\"access_token\":\"a\",\"token_type\":\"BEARER\"}"), now))
                .isEqualTo(new TokenAnswer.Issued("a", null, null));
        assertThat(endpoint.read(
                        200,
                        headers,
                        bytes("{\"access_token\":\"a\",\"token_type\":\"Bearer\",\"expires_in\":\"60\","
                                + "\"refresh_token\":\"r\"}"),
                        now))
                .isEqualTo(new TokenAnswer.Issued("a", "r", 60L));
        for (var body : List.of(
                "{\"access_token\":\"a\",\"token_type\":\"mac\"}",
                "{\"access_token\":\"a\"}",
                "{\"token_type\":\"Bearer\"}",
                "{\"access_token\":\"a\",\"token_type\":\"Bearer\",\"expires_in\":-5}",
                "{\"access_token\":\"a\",\"token_type\":\"Bearer\",\"expires_in\":\"soon\"}",
                "[1]",
                "not json")) {
            assertThat(endpoint.read(200, headers, bytes(body), now))
                    .as(body)
                    .isEqualTo(new TokenAnswer.Failed("unexpected_response", null));
        }
        assertThat(endpoint.read(302, headers, new byte[0], now))
                .isEqualTo(new TokenAnswer.Failed("unexpected_response", null));
        assertThat(endpoint.read(403, headers, bytes("{\"error\":\"unauthorized_client\"}"), now))
                .isEqualTo(new TokenAnswer.Failed("unexpected_response", null));
        assertThat(endpoint.read(400, headers, bytes("{\"error\":\"unauthorized_client\"}"), now))
                .isEqualTo(new TokenAnswer.Refused("unauthorized_client"));
    }

    @Test
    void aRetryAfterInThePastOrFarAheadIsIgnoredOrCapped() {
        var now = Instant.parse("2026-12-07T12:00:00Z");

        assertThat(TokenEndpoint.retryAfter(new DefaultHttpHeaders().set("Retry-After", "0"), now))
                .isNull();
        assertThat(TokenEndpoint.retryAfter(new DefaultHttpHeaders().set("Retry-After", "soon"), now))
                .isNull();
        assertThat(TokenEndpoint.retryAfter(new DefaultHttpHeaders().set("Retry-After", "999999"), now))
                .isEqualTo(now.plus(TokenEndpoint.LONGEST_RETRY_AFTER));
        assertThat(TokenEndpoint.retryAfter(
                        new DefaultHttpHeaders().set("Retry-After", "Mon, 07 Dec 2026 11:00:00 GMT"), now))
                .isNull();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
