package dev.patchbay.command.refresh;

import dev.patchbay.command.support.CommandServiceTestBase;
import dev.patchbay.contracts.connection.ConnectionEvent;
import dev.patchbay.contracts.connection.ConnectionExpired;
import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.ConnectionResource.ProbeError;
import dev.patchbay.contracts.connection.ConnectionRotated;
import dev.patchbay.contracts.connection.CredentialInfo;
import dev.patchbay.contracts.connection.TenantId;
import dev.patchbay.contracts.refresh.RefreshCompleted;
import dev.patchbay.contracts.refresh.RefreshRequested;
import dev.patchbay.contracts.topic.CloudEvents;
import dev.patchbay.contracts.topic.Topics;
import dev.patchbay.platform.json.EventCodec;
import dev.patchbay.platform.test.EventSchemas;
import dev.patchbay.platform.test.TestInfrastructure;
import dev.patchbay.platform.test.TestTokens;
import dev.patchbay.vault.Credential;
import dev.patchbay.vault.SealedSecretStore;
import dev.patchbay.vault.SealingContext;
import dev.patchbay.vault.Vault;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Credential expiry and OAuth2 refresh on command-service's side (issue 21 §3), on the real database and broker. No
 * probe worker runs here: where a refresher would answer, the test plays it, sealing and staging the renewed
 * credential through the same vault API ({@link SealedSecretStore#stageRefreshed}) and publishing its
 * {@link RefreshCompleted} on the results topic, as a worker does. The context's waits are short (the test base):
 * request timeout 3 s, backoff 1 s to 2 s, give-up after 15 s.
 */
class CredentialExpiryIT extends CommandServiceTestBase {

    private static final String CANARY = "canary-refreshed-" + UUID.randomUUID();

    @Autowired
    SealedSecretStore store;

    @Autowired
    Vault vault;

    private final String tenant = TestTokens.newTenant();

    @Test
    void aCredentialWhoseExpiryPassesMakesTheConnectionExpiredWithoutAnyTestUntilARotation() {
        var body = postgresql("expiring-" + suffix(), "pw-1");
        body.put("credential", Map.of("username", "app", "password", "pw-1", "expires_in", 3));
        var created = post(body);
        var id = (String) created.get("id");
        var expiresAt = Instant.parse((String) credentialOf(created).get("expires_at"));
        assertThat(expiresAt)
                .isAfter(Instant.now().minusSeconds(5))
                .isBefore(Instant.now().plusSeconds(5));
        assertThat(credentialOf(created).get("fields")).isEqualTo(List.of("password", "username"));

        await().atMost(Duration.ofSeconds(30))
                .until(() -> events(id).stream().anyMatch(ConnectionExpired.class::isInstance));
        var expired = (ConnectionExpired) events(id).get(1);
        assertThat(expired)
                .isEqualTo(new ConnectionExpired(
                        ConnectionId.of(id),
                        TenantId.of(tenant),
                        2,
                        expired.occurredAt(),
                        ConnectionExpired.EXPIRY,
                        1,
                        ConnectionExpired.CREDENTIAL_EXPIRED));
        assertThat(expired.occurredAt()).isAfterOrEqualTo(expiresAt);
        assertThat(liveStatus(id)).isEqualTo("expired");
        assertThat(store.findCredential(ConnectionId.of(id), TenantId.of(tenant), 1))
                .as("an expired credential is kept")
                .isPresent();
        assertThat(expiryRows(id)).isZero();

        var rotated = patch(id, Map.of("credential", Map.of("username", "app", "password", "pw-2")));

        assertThat(rotated.get("status")).isEqualTo("active");
        assertThat(credentialOf(rotated)).doesNotContainKey("expires_at");
        assertThat(liveStatus(id)).isEqualTo("active");
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(events(id)).last().isInstanceOf(ConnectionRotated.class));
    }

    @Test
    void anExpiryThatIsMalformedTwiceOrPastIsRefusedWithoutEchoingIt() {
        var past = Instant.now().minusSeconds(60).toString();
        var cases = List.<Map<String, Object>>of(
                Map.of("expires_at", "2030-01-01T00:00:00Z", "expires_in", 60),
                Map.of("expires_at", "next tuesday"),
                Map.of("expires_at", "2030-01-01T00:00:00"),
                Map.of("expires_at", past),
                Map.of("expires_in", 0),
                Map.of("expires_in", -5),
                Map.of("expires_in", "60"),
                Map.of("expires_in", 1.5),
                Map.of("expires_in", 999_999_999_999L));
        for (var expiry : cases) {
            var credential = new HashMap<String, Object>(Map.of("username", "app", "password", "pw"));
            credential.putAll(expiry);
            var body = postgresql("refused-" + suffix(), "pw");
            body.put("credential", credential);
            var problem = client().post()
                    .uri("/v1/connections")
                    .header("Authorization", editor(tenant))
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(body)
                    .exchange()
                    .expectStatus()
                    .isBadRequest()
                    .expectBody(Map.class)
                    .returnResult()
                    .getResponseBody();
            assertThat(problem.get("code")).as("%s", expiry).isEqualTo("PBAY-0012");
            assertThat(problem.get("title")).isEqualTo("invalid_expiry");
            var error = (Map<?, ?>) ((List<?>) problem.get("errors")).get(0);
            assertThat((String) error.get("location")).startsWith("body.credential");
            assertThat(error.get("value")).isNull();
        }
        var id = (String) post(postgresql("rotated-" + suffix(), "pw")).get("id");
        client().patch()
                .uri("/v1/connections/{id}", id)
                .header("Authorization", editor(tenant))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("credential", Map.of("username", "a", "password", "b", "expires_in", 0)))
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PBAY-0012");
    }

    @Test
    void anOAuth2CredentialTakesItsRefreshTokenOptionallyAndNothingElse() {
        var without = oauth2Body("no-refresh-" + suffix(), 7200);
        ((Map<String, Object>) without.get("credential")).remove("refresh_token");
        var created = post(without);
        assertThat(credentialOf(created).get("fields"))
                .isEqualTo(List.of("access_token", "client_id", "client_secret"));
        assertThat(expiryRow((String) created.get("id")).refreshable()).isFalse();

        var extra = oauth2Body("extra-" + suffix(), 7200);
        ((Map<String, Object>) extra.get("credential")).put("id_token", "x");
        client().post()
                .uri("/v1/connections")
                .header("Authorization", editor(tenant))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(extra)
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PBAY-0002");

        for (var endpoint : List.of(
                "ftp://auth.example/token",
                "https://client:secret@auth.example/token",
                "https://auth.example/token?client_secret=x",
                "/token")) {
            var badEndpoint = oauth2Body("endpoint-" + suffix(), 7200);
            badEndpoint.put("config", Map.of("token_endpoint", endpoint));
            client().post()
                    .uri("/v1/connections")
                    .header("Authorization", editor(tenant))
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(badEndpoint)
                    .exchange()
                    .expectStatus()
                    .isBadRequest()
                    .expectBody()
                    .jsonPath("$.errors[0].location")
                    .isEqualTo("body.config.token_endpoint")
                    .jsonPath("$.errors[0].value")
                    .doesNotExist();
        }
    }

    @Test
    void aRenewalOfTheCurrentCredentialBecomesARotationByTheRefresherAndPromotesTheStagedRow() throws Exception {
        var created = post(oauth2Body("renewed-" + suffix(), 7200));
        var id = ConnectionId.of((String) created.get("id"));
        var before = (String) credentialOf(created).get("fingerprint");
        assertThat(expiryRow(id.toString()).refreshable()).isTrue();

        var renewed = stageRenewal(id, 1);
        publish(result(id, 1, RefreshCompleted.RENEWED, renewed, null));

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(events(id.toString())).last().isInstanceOf(ConnectionRotated.class));
        var rotated = (ConnectionRotated) events(id.toString()).get(1);
        assertThat(rotated.actor()).isEqualTo(RefreshRequested.REFRESHER);
        assertThat(rotated.credential()).isEqualTo(renewed);
        assertThat(rotated.previousFingerprint()).isEqualTo(before);
        assertThat(rotated.credential().fingerprint()).isNotEqualTo(before);
        assertThat(store.findStagedRefresh(id, TenantId.of(tenant), 2)).isEmpty();
        assertThat(store.findCredential(id, TenantId.of(tenant), 1))
                .as("the old credential")
                .isEmpty();
        var promoted = store.findCredential(id, TenantId.of(tenant), 2).orElseThrow();
        try (var opened = vault.open(promoted.ciphertext(), credentialContext(id, 2))) {
            assertThat(opened.value("access_token")).isEqualTo(CANARY);
        }
        var row = expiryRow(id.toString());
        assertThat(row.credentialVersion()).isEqualTo(2);
        assertThat(row.expiresAt()).isEqualTo(renewed.expiresAt());
        assertThat(liveCredentialVersion(id.toString())).isEqualTo(2);
        assertThat(recordsOf(id.toString())).as("no token on the topic").noneMatch(body -> body.contains(CANARY));
    }

    @Test
    void aRenewalOfACredentialReplacedSinceIsNotRecordedAndItsStagedRowIsDestroyed() throws Exception {
        var id = ConnectionId.of(
                (String) post(oauth2Body("stale-" + suffix(), 7200)).get("id"));
        patch(id.toString(), Map.of("credential", oauth2Credential("by-a-user", 7200)));
        // a refresher that read version 1 before the user's rotation stages its renewal after it
        var staged = stageRenewal(id, 1);
        assertThat(store.findStagedRefresh(id, TenantId.of(tenant), 2)).isPresent();

        publish(result(id, 1, RefreshCompleted.RENEWED, staged, null));

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(store.findStagedRefresh(id, TenantId.of(tenant), 2))
                        .isEmpty());
        assertThat(events(id.toString()))
                .filteredOn(ConnectionRotated.class::isInstance)
                .singleElement()
                .extracting(ConnectionEvent::actor)
                .as("the user's rotation only")
                .isNotEqualTo(RefreshRequested.REFRESHER);
        assertThat(expiryRow(id.toString()).credentialVersion()).isEqualTo(2);
    }

    @Test
    void aRefusedGrantMakesTheConnectionExpiredAndAUserRotationMakesItActiveAgain() throws Exception {
        var id = (String) post(oauth2Body("refused-" + suffix(), 7200)).get("id");

        publish(result(
                ConnectionId.of(id),
                1,
                RefreshCompleted.REFUSED,
                null,
                new ProbeError("invalid_grant", "The token endpoint refused the refresh token.")));

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(events(id))
                        .last()
                        .isInstanceOfSatisfying(ConnectionExpired.class, expired -> {
                            assertThat(expired.reason()).isEqualTo(ConnectionExpired.GRANT_REFUSED);
                            assertThat(expired.actor()).isEqualTo(RefreshRequested.REFRESHER);
                            assertThat(expired.credentialVersion()).isEqualTo(1);
                        }));
        assertThat(liveStatus(id)).isEqualTo("expired");
        assertThat(expiryRows(id)).isZero();

        var rotated = patch(id, Map.of("credential", oauth2Credential("fresh", 7200)));

        assertThat(rotated.get("status")).isEqualTo("active");
        assertThat(liveStatus(id)).isEqualTo("active");
        assertThat(expiryRow(id).credentialVersion()).isEqualTo(2);
    }

    @Test
    void transientFailuresAreRetriedWithBackoffAndTheConnectionExpiresOnlyAfterGiveUpAfter() throws Exception {
        // expires in a minute: within the refresh margin, so its refresh is due at once
        var id = (String) post(oauth2Body("transient-" + suffix(), 60)).get("id");
        await().atMost(Duration.ofSeconds(30)).until(() -> !refreshRequests(id).isEmpty());
        for (var record : records(Topics.REFRESH_REQUESTS.name(), id::equals)) {
            assertThat(EventCodec.header(record.headers(), CloudEvents.TYPE))
                    .isEqualTo("dev.patchbay.refresh.requested.v1");
            assertThat(EventSchemas.errors("dev.patchbay.refresh.requested.v1", record.value()))
                    .isEmpty();
        }
        var first = refreshRequests(id).get(0);
        assertThat(first.credentialVersion()).isEqualTo(1);
        assertThat(first.requestedBy()).isEqualTo(RefreshRequested.REFRESHER);
        assertThat(first.vendor()).isEqualTo("oauth2");
        assertThat(first.config()).containsEntry("token_endpoint", "https://auth.oauth2.example/token");

        publish(result(
                ConnectionId.of(id),
                1,
                RefreshCompleted.TRANSIENT,
                null,
                new ProbeError("server_error", "The token endpoint answered 503.")));

        await().atMost(Duration.ofSeconds(30)).until(() -> expiryRow(id).failingSince() != null);
        assertThat(events(id))
                .as("a transient failure does not change the status")
                .noneMatch(ConnectionExpired.class::isInstance);
        int requestsBefore = refreshRequests(id).size();
        await().atMost(Duration.ofSeconds(30)).until(() -> refreshRequests(id).size() > requestsBefore);

        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(events(id))
                        .last()
                        .isInstanceOfSatisfying(ConnectionExpired.class, expired -> {
                            assertThat(expired.reason()).isEqualTo(ConnectionExpired.REFRESH_FAILING);
                            assertThat(expired.actor()).isEqualTo(RefreshRequested.REFRESHER);
                        }));
        var expired = (ConnectionExpired) events(id).get(events(id).size() - 1);
        assertThat(expired.occurredAt()).isAfterOrEqualTo(expiryFailingSinceAtLeast(first.requestedAt()));
    }

    /** The earliest a give-up may come: 15 s (the context's give-up-after) after the first request. */
    private static Instant expiryFailingSinceAtLeast(Instant firstRequest) {
        return firstRequest.plusSeconds(15);
    }

    // --- the test as a refresher would do it

    private CredentialInfo stageRenewal(ConnectionId id, int from) {
        var context = credentialContext(id, from + 1);
        var renewed = Credential.of(Map.of(
                "access_token", CANARY, "client_id", "client", "client_secret", "secret", "refresh_token", "rt-1"));
        var now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        assertThat(store.stageRefreshed(context, vault.seal(renewed, context), vault.keyName(), now))
                .isTrue();
        return new CredentialInfo(
                List.copyOf(renewed.fieldNames()), from + 1, vault.fingerprint(renewed), now, now.plusSeconds(3600));
    }

    private SealingContext credentialContext(ConnectionId id, int version) {
        return new SealingContext(
                TenantId.of(tenant),
                id,
                version,
                SealingContext.CREDENTIAL,
                store.destinationOf(id, 1)
                        .or(() -> store.destinationOf(id, version))
                        .orElseThrow());
    }

    private RefreshCompleted result(
            ConnectionId id, int from, String outcome, CredentialInfo refreshed, ProbeError error) {
        return new RefreshCompleted(
                UUID.randomUUID().toString(),
                id,
                TenantId.of(tenant),
                from,
                outcome,
                refreshed,
                error,
                null,
                Instant.now().truncatedTo(ChronoUnit.MILLIS));
    }

    private static void publish(RefreshCompleted result) throws Exception {
        try (var producer = new KafkaProducer<String, byte[]>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafkaBootstrapServers()),
                new StringSerializer(),
                new ByteArraySerializer())) {
            var key = result.connectionId().toString();
            producer.send(CODEC.record(Topics.REFRESH_RESULTS, key, result, EventCodec.Envelope.of(key)))
                    .get();
        }
    }

    // --- requests and reads

    private Map<String, Object> oauth2Body(String configName, long expiresIn) {
        var body = new HashMap<String, Object>();
        body.put("vendor", "oauth2");
        body.put("config_name", configName);
        body.put("base_url", "https://api.oauth2.example");
        body.put("config", Map.of("token_endpoint", "https://auth.oauth2.example/token", "scope", "read"));
        body.put("credential", oauth2Credential("at-0", expiresIn));
        return body;
    }

    private static Map<String, Object> oauth2Credential(String accessToken, long expiresIn) {
        var credential = new HashMap<String, Object>();
        credential.put("client_id", "client");
        credential.put("client_secret", "secret");
        credential.put("access_token", accessToken);
        credential.put("refresh_token", "rt-0");
        credential.put("expires_in", expiresIn);
        return credential;
    }

    private Map<String, Object> post(Map<String, Object> body) {
        return created(tenant, body);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> patch(String id, Map<String, Object> body) {
        return client().patch()
                .uri("/v1/connections/{id}", id)
                .header("Authorization", editor(tenant))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> credentialOf(Map<String, Object> connection) {
        return (Map<String, Object>) connection.get("credential");
    }

    private static List<ConnectionEvent> events(String id) {
        return records(Topics.CONNECTION_EVENTS.name(), id::equals).stream()
                .map(r -> (ConnectionEvent) CODEC.decode(r).orElseThrow())
                .toList();
    }

    private static List<String> recordsOf(String id) {
        return records(Topics.CONNECTION_EVENTS.name(), id::equals).stream()
                .map(r -> new String(r.value(), java.nio.charset.StandardCharsets.UTF_8))
                .toList();
    }

    private static List<RefreshRequested> refreshRequests(String id) {
        return records(Topics.REFRESH_REQUESTS.name(), id::equals).stream()
                .map(r -> (RefreshRequested) CODEC.decode(r).orElseThrow())
                .toList();
    }

    private String liveStatus(String id) {
        return jdbc.sql("SELECT status FROM live_connections WHERE connection_id = ?::uuid")
                .param(id)
                .query(String.class)
                .single();
    }

    private int liveCredentialVersion(String id) {
        return jdbc.sql("SELECT credential_version FROM live_connections WHERE connection_id = ?::uuid")
                .param(id)
                .query(Integer.class)
                .single();
    }

    private long expiryRows(String id) {
        return jdbc.sql("SELECT count(*) FROM credential_expiries WHERE connection_id = ?::uuid")
                .param(id)
                .query(Long.class)
                .single();
    }

    private ExpiryIndex.Due expiryRow(String id) {
        return jdbc.sql("SELECT connection_id, tenant_id, vendor, credential_version, expires_at, refreshable, "
                        + "failing_since FROM credential_expiries WHERE connection_id = ?::uuid")
                .param(id)
                .query((rs, n) -> new ExpiryIndex.Due(
                        new ConnectionId(rs.getObject(1, UUID.class)),
                        TenantId.of(rs.getString(2)),
                        rs.getString(3),
                        rs.getInt(4),
                        rs.getTimestamp(5).toInstant(),
                        rs.getBoolean(6),
                        rs.getTimestamp(7) == null ? null : rs.getTimestamp(7).toInstant()))
                .single();
    }

    private static String suffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
