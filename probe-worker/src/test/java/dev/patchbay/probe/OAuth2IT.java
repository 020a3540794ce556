package dev.patchbay.probe;

import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.TenantId;
import dev.patchbay.contracts.refresh.RefreshCompleted;
import dev.patchbay.contracts.refresh.RefreshRequested;
import dev.patchbay.contracts.topic.Topics;
import dev.patchbay.platform.json.EventCodec;
import dev.patchbay.platform.test.TestInfrastructure;
import dev.patchbay.probe.proxy.RawHttp;
import dev.patchbay.probe.proxy.VendorStandIn;
import dev.patchbay.probe.refresh.OAuth2StandIn;
import dev.patchbay.probe.refresh.Refreshers;
import dev.patchbay.vault.Credential;
import dev.patchbay.vault.Destination;
import dev.patchbay.vault.SealedSecretStore;
import dev.patchbay.vault.SealingContext;
import dev.patchbay.vault.Vault;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.kafka.core.KafkaTemplate;
import tools.jackson.databind.json.JsonMapper;

import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * OAuth2 connections in the running worker (its real main method, the real KRaft broker, PostgreSQL with
 * command-service's tables, real sealing): the refresher, from a request on {@code patchbay.refresh-requests.v1} to
 * a staged credential and a result on {@code patchbay.refresh-results.v1}, and the proxy's bearer calls with their
 * one renewal on a 401.
 *
 * <p>The provider is a local stand-in ({@link OAuth2StandIn}) for an RFC 6749 token endpoint and the API behind it:
 * a real provider cannot be reached from this machine. Spring Authorization Server (7.1.2 is on Maven Central) was
 * not used: it runs only on the servlet stack (Spring MVC on Tomcat, neither of which this offline build's
 * repository holds), which on this reactive worker's test classpath would also change the web application type of
 * every worker context; it issues refresh tokens only after an authorization-code login; and it cannot be made to
 * omit the refresh token, answer 429/503 with {@code Retry-After} or stall, which these tests need.
 */
@ExtendWith(OutputCaptureExtension.class)
class OAuth2IT extends RunningWorker {

    private static final Vault VAULT = TestVaults.vault(VAULT_KEY, FINGERPRINT_KEY);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final EventCodec CODEC = new EventCodec("/test");
    /** The oauth2 type's config fields outside its destination (OAuth2Connector). */
    private static final List<String> OUTSIDE = List.of("scope", "client_auth", "check_path");

    private final TenantId tenant = TenantId.of("oauth2-" + UUID.randomUUID());
    private final String clientSecret = "client-secret-" + UUID.randomUUID();
    private final OAuth2StandIn provider = new OAuth2StandIn("client-1", clientSecret);

    @Autowired
    ApplicationContext context;

    @Autowired
    KafkaTemplate<String, byte[]> kafka;

    @AfterEach
    void stop() {
        provider.close();
    }

    @Test
    void aRequestOnTheTopicIsRenewedWithOneRefreshGrantAndStagedAsTheNextVersion(CapturedOutput output)
            throws Exception {
        var refreshToken = provider.issueRefreshToken();
        var accessToken = provider.issueAccessToken();
        var fields = credential(accessToken, refreshToken);
        var id = connection(Map.of("scope", "read"), fields);

        kafka.send(CODEC.record(
                        Topics.REFRESH_REQUESTS,
                        id.toString(),
                        request(id, 1, Map.of("scope", "read")),
                        EventCodec.Envelope.of(id.toString())))
                .get(10, TimeUnit.SECONDS);
        var result = resultsOf(id, 1).get(0);

        assertThat(result.outcome()).isEqualTo(RefreshCompleted.RENEWED);
        assertThat(result.fromVersion()).isEqualTo(1);
        assertThat(result.error()).isNull();
        var info = result.refreshed();
        assertThat(info.version()).isEqualTo(2);
        assertThat(info.fields()).containsExactly("access_token", "client_id", "client_secret", "refresh_token");
        try (var old = Credential.of(fields)) {
            assertThat(info.fingerprint()).startsWith("fp_").isNotEqualTo(VAULT.fingerprint(old));
        }
        assertThat(info.expiresAt())
                .isBetween(info.rotatedAt().plusSeconds(3599), info.rotatedAt().plusSeconds(3601));
        // the grant: the client's Basic authentication, the refresh token, the scope, and nothing else anywhere
        assertThat(provider.grants()).hasSize(1);
        var grant = provider.grants().get(0);
        assertThat(grant.clientAuthentication()).isEqualTo("client_secret_basic");
        assertThat(grant.clientId()).isEqualTo("client-1");
        assertThat(grant.clientSecret()).isEqualTo(clientSecret);
        assertThat(grant.form())
                .containsExactly(
                        Map.entry("grant_type", "refresh_token"),
                        Map.entry("refresh_token", refreshToken),
                        Map.entry("scope", "read"));
        assertThat(provider.received()).hasSize(1);
        // the staged row: the next version, sealed for the same destination, with the new tokens
        try (var staged = staged(id, 2, Map.of("scope", "read"))) {
            assertThat(staged.value("access_token"))
                    .isEqualTo(provider.issuedAccessTokens().get(0));
            assertThat(staged.value("refresh_token"))
                    .isEqualTo(provider.issuedRefreshTokens().get(0));
            assertThat(staged.value("client_secret")).isEqualTo(clientSecret);
            assertThat(VAULT.fingerprint(staged)).isEqualTo(info.fingerprint());
        }
        assertNoSecretIn(output.getAll() + resultsAsText(), accessToken, refreshToken);
    }

    @Test
    void aRefreshTokenTheProviderDidNotSendAgainIsKept() {
        provider.rotatingRefreshTokens(false).expiresIn(null);
        var refreshToken = provider.issueRefreshToken();
        var config = Map.<String, Object>of("client_auth", "client_secret_post");
        var id = connection(config, credential(provider.issueAccessToken(), refreshToken));

        try (var refresher = Refreshers.ofWorker(context)) {
            var result = refresher.refresh(request(id, 1, config)).orElseThrow();

            assertThat(result.outcome()).isEqualTo(RefreshCompleted.RENEWED);
            assertThat(result.refreshed().expiresAt()).isNull();
        }
        var grant = provider.grants().get(0);
        assertThat(grant.clientAuthentication()).isEqualTo("client_secret_post");
        assertThat(grant.form())
                .containsEntry("client_secret", clientSecret)
                .containsEntry("refresh_token", refreshToken);
        try (var staged = staged(id, 2, config)) {
            assertThat(staged.value("refresh_token")).isEqualTo(refreshToken);
            assertThat(staged.value("access_token"))
                    .isEqualTo(provider.issuedAccessTokens().get(0));
        }
    }

    @Test
    void twoRefreshersAtOnceMakeOneGrantAndOneStagedRowAndTheOtherFindsItRenewed() throws Exception {
        // the token endpoint takes a while, so that both refreshers are under way at once
        provider.delay(Duration.ofSeconds(1));
        var id = connection(Map.of(), credential(provider.issueAccessToken(), provider.issueRefreshToken()));
        var start = new CountDownLatch(1);

        try (var first = Refreshers.ofWorker(context);
                var second = Refreshers.second(context)) {
            var one = CompletableFuture.supplyAsync(() -> {
                awaitStart(start);
                return first.refresh(request(id, 1, Map.of()));
            });
            var other = CompletableFuture.supplyAsync(() -> {
                awaitStart(start);
                return second.refresh(request(id, 1, Map.of()));
            });
            start.countDown();
            var outcomes = List.of(
                    one.get(30, TimeUnit.SECONDS).orElseThrow().outcome(),
                    other.get(30, TimeUnit.SECONDS).orElseThrow().outcome());

            assertThat(outcomes).containsExactlyInAnyOrder(RefreshCompleted.RENEWED, RefreshCompleted.ALREADY_RENEWED);
        }
        assertThat(provider.grants()).hasSize(1);
        assertThat(count("SELECT count(*) FROM sealed_secrets WHERE connection_id = ? AND purpose = 'refreshed'", id))
                .isEqualTo(1);
        var published = resultsOf(id, 2);
        assertThat(published)
                .extracting(RefreshCompleted::outcome)
                .containsExactlyInAnyOrder(RefreshCompleted.RENEWED, RefreshCompleted.ALREADY_RENEWED);
    }

    @Test
    void aRenewalWhoseResultWasLostIsPublishedAgainFromItsStagedRowWithoutAnotherGrant() {
        var id = connection(Map.of(), credential(provider.issueAccessToken(), provider.issueRefreshToken()));

        try (var refresher = Refreshers.ofWorker(context)) {
            var first = refresher.refresh(request(id, 1, Map.of())).orElseThrow();
            assertThat(first.outcome()).isEqualTo(RefreshCompleted.RENEWED);
            // command-service has not recorded it yet: a young staged row's result is on its way
            assertThat(refresher.refresh(request(id, 1, Map.of())).orElseThrow().outcome())
                    .isEqualTo(RefreshCompleted.ALREADY_RENEWED);

            // its result never reached command-service, and the scheduler asks again after its request timeout
            update(
                    "UPDATE sealed_secrets SET sealed_at = sealed_at - interval '5 minutes' "
                            + "WHERE connection_id = ? AND purpose = 'refreshed'",
                    id);
            var again = refresher.refresh(request(id, 1, Map.of())).orElseThrow();

            assertThat(again.outcome()).isEqualTo(RefreshCompleted.RENEWED);
            assertThat(again.fromVersion()).isEqualTo(1);
            var info = again.refreshed();
            var was = first.refreshed();
            assertThat(info.version()).isEqualTo(2);
            assertThat(info.fields()).isEqualTo(was.fields());
            assertThat(info.fingerprint()).isEqualTo(was.fingerprint());
            assertThat(info.expiresAt()).isNotNull().isEqualTo(was.expiresAt());
            assertThat(info.rotatedAt()).isEqualTo(was.rotatedAt().minus(Duration.ofMinutes(5)));
        }
        assertThat(provider.grants()).hasSize(1);
        assertThat(resultsOf(id, 3))
                .extracting(RefreshCompleted::outcome)
                .containsExactly(RefreshCompleted.RENEWED, RefreshCompleted.ALREADY_RENEWED, RefreshCompleted.RENEWED);
    }

    @Test
    void aRevokedGrantIsRefusedForGoodAndNothingIsStaged(CapturedOutput output) {
        var refreshToken = provider.issueRefreshToken();
        provider.revoke(refreshToken);
        var id = connection(Map.of(), credential(provider.issueAccessToken(), refreshToken));

        try (var refresher = Refreshers.ofWorker(context)) {
            var result = refresher.refresh(request(id, 1, Map.of())).orElseThrow();

            assertThat(result.outcome()).isEqualTo(RefreshCompleted.REFUSED);
            assertThat(result.error().code()).isEqualTo("invalid_grant");
            assertThat(result.error().message()).doesNotContain(OAuth2StandIn.PROVIDER_WORDS);
            assertThat(result.refreshed()).isNull();
        }
        assertThat(count("SELECT count(*) FROM sealed_secrets WHERE connection_id = ? AND purpose = 'refreshed'", id))
                .isZero();
        assertThat(provider.answers()).singleElement().asString().contains(OAuth2StandIn.PROVIDER_WORDS);
        assertNoSecretIn(output.getAll() + resultsAsText(), refreshToken);
    }

    @Test
    void serverErrorsRateLimitsAndTimeoutsMayPassAndCarryTheProvidersRetryAfter() {
        provider.forceNext(new OAuth2StandIn.Forced(503, "", "Retry-After", "120"))
                .forceNext(new OAuth2StandIn.Forced(429, "", "Retry-After", "30"))
                .forceNext(new OAuth2StandIn.Forced(500, "{}"));
        var id = connection(Map.of(), credential(provider.issueAccessToken(), provider.issueRefreshToken()));

        try (var refresher = Refreshers.ofWorker(context)) {
            var before = Instant.now();
            var unavailable = refresher.refresh(request(id, 1, Map.of())).orElseThrow();
            var limited = refresher.refresh(request(id, 1, Map.of())).orElseThrow();
            var failing = refresher.refresh(request(id, 1, Map.of())).orElseThrow();
            provider.delay(Duration.ofSeconds(6)); // beyond this worker's check-timeout of 4 s
            var slow = refresher.refresh(request(id, 1, Map.of())).orElseThrow();

            assertThat(List.of(unavailable, limited, failing, slow))
                    .extracting(RefreshCompleted::outcome)
                    .containsOnly(RefreshCompleted.TRANSIENT);
            assertThat(unavailable.error().code()).isEqualTo("server_error");
            assertThat(unavailable.retryAfter()).isAfterOrEqualTo(before.plusSeconds(119));
            assertThat(limited.error().code()).isEqualTo("rate_limited");
            assertThat(limited.retryAfter()).isAfterOrEqualTo(before.plusSeconds(29));
            assertThat(failing.error().code()).isEqualTo("server_error");
            assertThat(failing.retryAfter()).isNull();
            assertThat(slow.error().code()).isEqualTo("timeout");
        }
        assertThat(count("SELECT count(*) FROM sealed_secrets WHERE connection_id = ? AND purpose = 'refreshed'", id))
                .isZero();
    }

    @Test
    void nothingIsAskedOfTheTokenEndpointWithoutARefreshTokenOrForAnOlderVersion() {
        var fields = new HashMap<>(credential(provider.issueAccessToken(), "unused"));
        fields.remove("refresh_token");
        var withoutRefreshToken = connection(Map.of(), fields);
        var rotated = connection(Map.of(), credential(provider.issueAccessToken(), provider.issueRefreshToken()));
        update("UPDATE live_connections SET credential_version = 2 WHERE connection_id = ?", rotated);
        var revoked = connection(Map.of(), credential(provider.issueAccessToken(), provider.issueRefreshToken()));
        update("UPDATE live_connections SET status = 'revoked' WHERE connection_id = ?", revoked);

        try (var refresher = Refreshers.ofWorker(context)) {
            assertThat(refresher
                            .refresh(request(withoutRefreshToken, 1, Map.of()))
                            .orElseThrow()
                            .outcome())
                    .isEqualTo(RefreshCompleted.NOT_REFRESHABLE);
            assertThat(refresher
                            .refresh(request(rotated, 1, Map.of()))
                            .orElseThrow()
                            .outcome())
                    .isEqualTo(RefreshCompleted.ALREADY_RENEWED);
            assertThat(refresher
                            .refresh(request(revoked, 1, Map.of()))
                            .orElseThrow()
                            .outcome())
                    .isEqualTo(RefreshCompleted.NOT_REFRESHABLE);
            // a request that points the token endpoint elsewhere than the credential was sealed for opens nothing
            var forged = new RefreshRequested(
                    "forged",
                    rotated,
                    tenant,
                    "oauth2",
                    2,
                    provider.baseUrl(),
                    Map.of("token_endpoint", "http://127.0.0.1:1/steal"),
                    Instant.now(),
                    RefreshRequested.REFRESHER);
            assertThat(refresher.refresh(forged).orElseThrow().outcome()).isEqualTo(RefreshCompleted.NOT_REFRESHABLE);
        }
        assertThat(provider.received()).isEmpty();
    }

    @Test
    void theProxyCarriesTheBearerTokenAndRenewsItOnceOnA401(CapturedOutput output) {
        var expiredToken = provider.issueAccessToken();
        provider.expire(expiredToken);
        var refreshToken = provider.issueRefreshToken();
        var id = connection(Map.of(), credential(expiredToken, refreshToken));

        var first = call(id, "/api/items");

        assertThat(first.status()).as(first.text()).isEqualTo(200);
        assertThat(first.text()).contains("items");
        var apiCalls = apiCalls();
        assertThat(apiCalls).hasSize(2);
        assertThat(apiCalls.get(0).header("Authorization")).isEqualTo("Bearer " + expiredToken);
        var renewed = provider.issuedAccessTokens().get(0);
        assertThat(apiCalls.get(1).header("Authorization")).isEqualTo("Bearer " + renewed);
        assertThat(provider.grants()).hasSize(1);
        assertThat(provider.grants().get(0).form()).containsEntry("refresh_token", refreshToken);
        var published = resultsOf(id, 1).get(0);
        assertThat(published.outcome()).isEqualTo(RefreshCompleted.RENEWED);
        assertThat(published.correlationId()).startsWith("proxy-");

        // command-service has not promoted the staged row yet: the next call's 401 finds it, and no second grant
        var second = call(id, "/api/items");

        assertThat(second.status()).isEqualTo(200);
        assertThat(provider.grants()).hasSize(1);
        assertThat(apiCalls()).hasSize(4);
        assertThat(apiCalls().get(3).header("Authorization")).isEqualTo("Bearer " + renewed);
        assertNoSecretIn(output.getAll() + resultsAsText(), expiredToken, refreshToken);
    }

    @Test
    void anApiThatRefusesTheRenewedTokenTooGetsOneRefreshAndOneRetryOnly() {
        // an API (another origin than the provider's) that takes no token at all
        try (var refusing = new VendorStandIn(request -> VendorStandIn.Reply.of(401, "{}"))) {
            var refusingId = connection(
                    refusing.baseUrl(),
                    Map.of("token_endpoint", provider.tokenEndpoint()),
                    credential("at-refused", provider.issueRefreshToken()));

            var answer = call(refusingId, "/api/items");

            assertThat(answer.status()).isEqualTo(401);
            assertThat(refusing.received()).hasSize(2);
            assertThat(provider.grants()).hasSize(1);
        }
    }

    @Test
    void aProxyCallWhoseRenewalIsRefusedGetsTheApis401AndTheRefusalIsPublished(CapturedOutput output) {
        var expiredToken = provider.issueAccessToken();
        provider.expire(expiredToken);
        var refreshToken = provider.issueRefreshToken();
        provider.revoke(refreshToken);
        var id = connection(Map.of(), credential(expiredToken, refreshToken));

        var answer = call(id, "/api/items");

        assertThat(answer.status()).isEqualTo(401);
        assertThat(apiCalls()).hasSize(1);
        assertThat(provider.grants()).hasSize(1);
        var published = resultsOf(id, 1).get(0);
        assertThat(published.outcome()).isEqualTo(RefreshCompleted.REFUSED);
        assertThat(published.error().code()).isEqualTo("invalid_grant");
        assertNoSecretIn(output.getAll() + resultsAsText() + answer.text(), expiredToken, refreshToken);
    }

    @Test
    void theProxyRefusesAnExpiredConnectionBeforeAnythingIsSent() {
        var id = connection(Map.of(), credential(provider.issueAccessToken(), provider.issueRefreshToken()));
        update("UPDATE live_connections SET status = 'expired' WHERE connection_id = ?", id);

        var answer = call(id, "/api/items");

        assertThat(answer.status()).isEqualTo(409);
        assertThat(answer.text()).contains("PBAY-0613");
        assertThat(provider.received()).isEmpty();
    }

    // --- helpers

    private Map<String, String> credential(String accessToken, String refreshToken) {
        var fields = new LinkedHashMap<String, String>();
        fields.put("client_id", "client-1");
        fields.put("client_secret", clientSecret);
        fields.put("access_token", accessToken);
        fields.put("refresh_token", refreshToken);
        return fields;
    }

    private ConnectionId connection(Map<String, Object> extraConfig, Map<String, String> fields) {
        var config = new HashMap<String, Object>(extraConfig);
        config.put("token_endpoint", provider.tokenEndpoint());
        return connection(provider.baseUrl(), config, fields);
    }

    /**
     * A live oauth2 connection as command-service leaves it: its row in the live connections' index and its
     * credential, version 1, sealed for its destination (the API's origin and the token endpoint).
     */
    private ConnectionId connection(String baseUrl, Map<String, Object> config, Map<String, String> fields) {
        var id = new ConnectionId(UUID.randomUUID());
        TestVaults.seal(VAULT_DB, VAULT, tenant, id, 1, fields, Destination.of(OUTSIDE, baseUrl, config));
        try (var db = DriverManager.getConnection(VAULT_DB.jdbcUrl(), VAULT_DB.username(), "");
                var insert = db.prepareStatement("INSERT INTO live_connections (tenant_id, scope_key, config_name, "
                        + "vendor, category, connection_id, credential_version, created_at, base_url, config, "
                        + "metadata) VALUES (?, 'organization', ?, 'oauth2', 'rest', ?, 1, ?, ?, ?, '{}')")) {
            insert.setString(1, tenant.value());
            insert.setString(2, "c-" + id);
            insert.setObject(3, id.value());
            insert.setTimestamp(4, Timestamp.from(Instant.now()));
            insert.setString(5, baseUrl);
            insert.setString(6, JSON.writeValueAsString(config));
            insert.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return id;
    }

    private RefreshRequested request(ConnectionId id, int version, Map<String, Object> extraConfig) {
        var config = new HashMap<String, Object>(extraConfig);
        config.put("token_endpoint", provider.tokenEndpoint());
        return new RefreshRequested(
                UUID.randomUUID().toString(),
                id,
                tenant,
                "oauth2",
                version,
                provider.baseUrl(),
                config,
                Instant.now(),
                RefreshRequested.REFRESHER);
    }

    /** The staged credential of {@code version}, opened as command-service will once it is promoted. */
    private Credential staged(ConnectionId id, int version, Map<String, Object> extraConfig) {
        var config = new HashMap<String, Object>(extraConfig);
        config.put("token_endpoint", provider.tokenEndpoint());
        var destination = Destination.of(OUTSIDE, provider.baseUrl(), config);
        var store = new SealedSecretStore(
                JdbcClient.create(new DriverManagerDataSource(VAULT_DB.jdbcUrl(), VAULT_DB.username(), "")));
        var row = store.findStagedRefresh(id, tenant, version).orElseThrow();
        return VAULT.open(row.ciphertext(), SealingContext.credential(tenant, id, version, destination));
    }

    private List<VendorStandIn.Received> apiCalls() {
        return provider.received().stream()
                .filter(request -> request.uri().startsWith(OAuth2StandIn.API_PATH))
                .toList();
    }

    private RawHttp.Answer call(ConnectionId id, String pathAndQuery) {
        var headers = new HashMap<String, String>();
        headers.put("Authorization", "Bearer " + TOKENS.token(tenant.value(), "caller"));
        return RawHttp.send(PROXY_PORT, "GET", "/v1/connections/" + id + "/proxy" + pathAndQuery, headers, null);
    }

    private void assertNoSecretIn(String text, String... more) {
        var secrets = new ArrayList<String>(List.of(clientSecret, OAuth2StandIn.PROVIDER_WORDS));
        secrets.addAll(List.of(more));
        secrets.addAll(provider.issuedAccessTokens());
        secrets.addAll(provider.issuedRefreshTokens());
        for (var secret : secrets) {
            assertThat(text).as("a secret or the provider's words").doesNotContain(secret);
        }
    }

    private static void awaitStart(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void update(String sql, ConnectionId id) {
        try (var db = DriverManager.getConnection(VAULT_DB.jdbcUrl(), VAULT_DB.username(), "");
                var statement = db.prepareStatement(sql)) {
            statement.setObject(1, id.value());
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long count(String sql, ConnectionId id) {
        try (var db = DriverManager.getConnection(VAULT_DB.jdbcUrl(), VAULT_DB.username(), "");
                var statement = db.prepareStatement(sql)) {
            statement.setObject(1, id.value());
            try (var rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The results published for one connection, once {@code count} of them are on the topic. */
    private static List<RefreshCompleted> resultsOf(ConnectionId id, int count) {
        return TopicRecords.of(
                TestInfrastructure.kafkaBootstrapServers(),
                Topics.REFRESH_RESULTS,
                id,
                "dev.patchbay.refresh.completed.v1",
                count);
    }

    /** Every result so far, bodies and headers, as text. */
    private static String resultsAsText() {
        return TopicRecords.asText(TestInfrastructure.kafkaBootstrapServers(), Topics.REFRESH_RESULTS);
    }
}
