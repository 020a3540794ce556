package dev.patchbay.probe;

import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.TenantId;
import dev.patchbay.contracts.proxy.ProxyCallCompleted;
import dev.patchbay.contracts.topic.Topics;
import dev.patchbay.platform.test.TestInfrastructure;
import dev.patchbay.probe.proxy.RawHttp;
import dev.patchbay.probe.proxy.VendorStandIn;
import dev.patchbay.probe.proxy.VendorStandIn.Reply;
import dev.patchbay.vault.Destination;
import dev.patchbay.vault.Vault;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Timestamp;
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
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The proxy as it runs: the worker's real main method and listener, the real KRaft broker, PostgreSQL with
 * command-service's tables, real sealing. Every vendor here is a local stand-in ({@link VendorStandIn}: Pluggy's
 * login and API, Belvo, a REST API, an echoing vendor), since the real ones cannot be reached from this machine.
 */
@ExtendWith(OutputCaptureExtension.class)
class ProxyIT extends RunningWorker {

    private static final Vault VAULT = TestVaults.vault(VAULT_KEY, FINGERPRINT_KEY);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final String TOKEN = "rest-token-" + UUID.randomUUID();

    private final TenantId tenant = TenantId.of("proxy-" + UUID.randomUUID());

    @Test
    void aPluggyCallCarriesAnApiKeyFromTheLoginAndNothingOfTheCaller(CapturedOutput output) {
        var clientSecret = "pluggy-secret-" + UUID.randomUUID();
        var logins = new AtomicInteger();
        try (var pluggy = new VendorStandIn(request -> {
            if (request.uri().equals("/auth")) {
                logins.incrementAndGet();
                var login = JSON.readTree(request.body());
                return login.path("clientSecret").asString().equals(clientSecret)
                        ? Reply.of(200, "{\"apiKey\":\"api-key-" + logins.get() + "\"}")
                        : Reply.of(401, "{}");
            }
            return Reply.of(
                    200,
                    "{\"id\":\"item-1\",\"status\":\"UPDATED\"}",
                    "Set-Cookie",
                    "session=vendor",
                    "X-Vendor",
                    "kept");
        })) {
            var id = connection(
                    "pluggy",
                    pluggy.baseUrl(),
                    Map.of(),
                    Map.of("header.X-Customer", "cus_42"),
                    Map.of("client_id", "pluggy-client", "secret", clientSecret));

            var headers = new LinkedHashMap<>(callerHeaders());
            headers.put("Cookie", "caller-session=1");
            headers.put("Connection", "close, X-Hop");
            headers.put("X-Hop", "dropped");
            headers.put("X-Forwarded-For", "10.0.0.7");
            headers.put("X-Request-Id", "kept-" + id);
            var first = call("GET", id, "/items/item-1?expand=accounts", headers, null);
            var second = call("GET", id, "/items/item-1", callerHeaders(), null);

            assertThat(first.status()).isEqualTo(200);
            assertThat(first.text()).contains("item-1");
            assertThat(first.header("Set-Cookie")).isNull();
            assertThat(first.header("X-Vendor")).isEqualTo("kept");
            assertThat(second.status()).isEqualTo(200);
            assertThat(logins).hasValue(1);
            var calls = pluggy.received().stream()
                    .filter(request -> !request.uri().equals("/auth"))
                    .toList();
            assertThat(calls).hasSize(2);
            var forwarded = calls.get(0);
            assertThat(forwarded.uri()).isEqualTo("/items/item-1?expand=accounts");
            assertThat(forwarded.header("X-API-KEY")).isEqualTo("api-key-1");
            assertThat(forwarded.header("Authorization")).isNull();
            assertThat(forwarded.header("Cookie")).isNull();
            assertThat(forwarded.header("X-Hop")).isNull();
            assertThat(forwarded.header("X-Forwarded-For")).isNull();
            assertThat(forwarded.header("X-Request-Id")).isEqualTo("kept-" + id);
            assertThat(forwarded.header("X-Customer")).isEqualTo("cus_42");
            assertThat(output.getAll()).doesNotContain(clientSecret).doesNotContain("api-key-1");
            var audited = auditOf(id, 2);
            assertThat(audited).allSatisfy(record -> {
                assertThat(record.tenantId()).isEqualTo(tenant);
                assertThat(record.actor()).isEqualTo("user-" + tenant.value());
                assertThat(record.vendor()).isEqualTo("pluggy");
                assertThat(record.method()).isEqualTo("GET");
                assertThat(record.path()).isEqualTo("/items/item-1");
                assertThat(record.status()).isEqualTo(200);
                assertThat(record.problem()).isNull();
            });
        }
    }

    @Test
    void callsOnOneKeptAliveConnectionAreEachPassedOn() throws Exception {
        var client = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1)
                .build();
        try (var vendor = new VendorStandIn(request -> Reply.of(200, "{\"n\":1}"))) {
            var id = connection("rest_api", vendor.baseUrl(), Map.of(), Map.of(), Map.of("token", TOKEN));
            var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                            "http://127.0.0.1:" + PROXY_PORT + "/v1/connections/" + id + "/proxy/items/1"))
                    .header("Authorization", callerHeaders().get("Authorization"))
                    .build();

            for (int i = 0; i < 20; i++) {
                var answer = client.send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode())
                        .as("call %d: %s", i, answer.body())
                        .isEqualTo(200);
                assertThat(answer.body()).isEqualTo("{\"n\":1}");
            }
            assertThat(vendor.received()).hasSize(20);
        }
    }

    @Test
    void aPluggy401RenewsTheApiKeyOnceAndOnlyOnce() {
        var logins = new AtomicInteger();
        try (var pluggy = new VendorStandIn(request -> {
            if (request.uri().equals("/auth")) {
                return Reply.of(200, "{\"apiKey\":\"key-" + logins.incrementAndGet() + "\"}");
            }
            // the first key has expired at Pluggy; the second works; a third never comes
            return "key-2".equals(request.header("X-API-KEY")) ? Reply.of(200, "{}") : Reply.of(401, "{}");
        })) {
            var id = connection(
                    "pluggy",
                    pluggy.baseUrl(),
                    Map.of(),
                    Map.of(),
                    Map.of("client_id", "c", "secret", "s-" + UUID.randomUUID()));

            assertThat(call("GET", id, "/accounts", callerHeaders(), null).status())
                    .isEqualTo(200);
            assertThat(logins).hasValue(2);

            try (var refusing = new VendorStandIn(request ->
                    request.uri().equals("/auth") ? Reply.of(200, "{\"apiKey\":\"k\"}") : Reply.of(401, "{}"))) {
                var other = connection(
                        "pluggy",
                        refusing.baseUrl(),
                        Map.of(),
                        Map.of(),
                        Map.of("client_id", "c", "secret", "s-" + UUID.randomUUID()));
                assertThat(call("GET", other, "/accounts", callerHeaders(), null)
                                .status())
                        .isEqualTo(401);
                assertThat(refusing.received().stream().filter(r -> r.uri().equals("/auth")))
                        .hasSize(2);
                assertThat(refusing.received().stream().filter(r -> !r.uri().equals("/auth")))
                        .hasSize(2);
            }
        }
    }

    @Test
    void belvoAndRestApiCallsCarryTheirDeclaredSchemes() {
        try (var vendor = new VendorStandIn(request -> Reply.of(200, "{}"))) {
            var belvo = connection(
                    "belvo",
                    vendor.baseUrl(),
                    Map.of(),
                    Map.of(),
                    Map.of("client_id", "belvo-id", "secret", "belvo-pw"));
            var bearer = connection("rest_api", vendor.baseUrl(), Map.of(), Map.of(), Map.of("token", "tok-1"));
            var named = connection(
                    "rest_api",
                    vendor.baseUrl(),
                    Map.of("auth_scheme", "header", "header_name", "X-Token"),
                    Map.of(),
                    Map.of("token", "tok-2"));
            var basic = connection(
                    "rest_api",
                    vendor.baseUrl(),
                    Map.of("auth_scheme", "basic", "username", "svc"),
                    Map.of(),
                    Map.of("token", "tok-3"));

            for (var id : List.of(belvo, bearer, named, basic)) {
                assertThat(call(
                                        "POST",
                                        id,
                                        "/api/links/",
                                        callerHeaders(),
                                        "{\"a\":1}".getBytes(StandardCharsets.UTF_8))
                                .status())
                        .isEqualTo(200);
            }

            var received = vendor.received();
            assertThat(received.get(0).header("Authorization")).isEqualTo(basic("belvo-id:belvo-pw"));
            assertThat(received.get(0).body()).asString(StandardCharsets.UTF_8).isEqualTo("{\"a\":1}");
            assertThat(received.get(1).header("Authorization")).isEqualTo("Bearer tok-1");
            assertThat(received.get(2).header("X-Token")).isEqualTo("tok-2");
            assertThat(received.get(2).header("Authorization")).isNull();
            assertThat(received.get(3).header("Authorization")).isEqualTo(basic("svc:tok-3"));
        }
    }

    @Test
    void anEchoedCredentialIsNeverPassedOn(CapturedOutput output) {
        var canary = "canary-" + UUID.randomUUID();
        try (var echoing = new VendorStandIn(request -> switch (request.uri()) {
            case "/body" -> Reply.of(200, "{\"you_sent\":\"" + request.header("Authorization") + "\"}");
            case "/header" -> Reply.of(200, "{}", "X-Debug", request.header("Authorization"));
            case "/base64" ->
                Reply.of(
                        200,
                        java.util.Base64.getEncoder()
                                .withoutPadding()
                                .encodeToString(canary.getBytes(StandardCharsets.UTF_8)));
            default -> Reply.of(200, "{\"clean\":true}");
        })) {
            var id = connection("rest_api", echoing.baseUrl(), Map.of(), Map.of(), Map.of("token", canary));

            for (var path : List.of("/body", "/header", "/base64")) {
                var answer = call("GET", id, path, callerHeaders(), null);
                assertThat(answer.status()).as(path).isEqualTo(502);
                assertThat(answer.text()).contains("PBAY-0608").doesNotContain(canary);
                assertThat(answer.headers().toString()).doesNotContain(canary);
            }
            assertThat(call("GET", id, "/clean", callerHeaders(), null).status())
                    .isEqualTo(200);
            assertThat(output.getAll()).doesNotContain(canary);
            var audited = auditOf(id, 4);
            assertThat(audited).extracting(ProxyCallCompleted::problem).containsOnly("PBAY-0608", null);
            assertThat(auditRecordsAsText()).doesNotContain(canary);
        }
    }

    @Test
    void everyEscapeFromTheOriginIsRefusedBeforeAnyConnection() {
        try (var vendor = new VendorStandIn(request -> Reply.of(200, "{}"))) {
            var id = connection("rest_api", vendor.baseUrl(), Map.of(), Map.of(), Map.of("token", TOKEN));
            var escapes = List.of(
                    "/../admin",
                    "/a/../../admin",
                    "/%2e%2e/admin",
                    "/.%2E/admin",
                    "/./admin",
                    "/a%2fb",
                    "/a%2Fb",
                    "/a%5cb",
                    "/a\\b",
                    "//evil.example/x",
                    "/http://evil.example/",
                    "/https:%2F%2Fevil.example",
                    "/@evil.example",
                    "/user@evil.example/x",
                    "/a%40evil.example",
                    "/%252e%252e/admin",
                    "/a%00b",
                    "/a%0d%0aHost:%20evil.example",
                    "/a?x=%0d%0aHost:%20evil",
                    "/a%zz");
            for (var escape : escapes) {
                var answer = call("GET", id, escape, callerHeaders(), null);
                assertThat(answer.status()).as(escape).isIn(400, 404);
                if (answer.status() == 400) {
                    assertThat(answer.text()).as(escape).contains("PBAY-0601");
                }
            }
            assertThat(vendor.received()).isEmpty();
        }
    }

    @Test
    void redirectsAreNotFollowed() {
        try (var elsewhere = new VendorStandIn(request -> Reply.of(200, "{}"));
                var vendor =
                        new VendorStandIn(request -> Reply.of(302, "", "Location", elsewhere.baseUrl() + "/steal"))) {
            var id = connection("rest_api", vendor.baseUrl(), Map.of(), Map.of(), Map.of("token", TOKEN));

            var answer = call("GET", id, "/moved", callerHeaders(), null);

            assertThat(answer.status()).isEqualTo(302);
            assertThat(elsewhere.received()).isEmpty();
        }
    }

    @Test
    void onlyTheCallerRoleOfTheConnectionsTenantGetsThrough() {
        try (var vendor = new VendorStandIn(request -> Reply.of(200, "{}"))) {
            var id = connection("rest_api", vendor.baseUrl(), Map.of(), Map.of(), Map.of("token", TOKEN));

            assertThat(call("GET", id, "/x", Map.of(), null).status()).isEqualTo(401);
            assertThat(call("GET", id, "/x", Map.of("Authorization", "Bearer forged"), null)
                            .status())
                    .isEqualTo(401);
            var editor = Map.of("Authorization", "Bearer " + TOKENS.token(tenant.value(), "editor", "admin"));
            var forbidden = call("GET", id, "/x", editor, null);
            assertThat(forbidden.status()).isEqualTo(403);
            assertThat(forbidden.text()).contains("PBAY-0102");
            var otherTenant = Map.of("Authorization", "Bearer " + TOKENS.token("someone-else", "caller"));
            var notFound = call("GET", id, "/x", otherTenant, null);
            assertThat(notFound.status()).isEqualTo(404);
            assertThat(notFound.text()).contains("PBAY-0201");
            assertThat(call("GET", new ConnectionId(UUID.randomUUID()), "/x", callerHeaders(), null)
                            .status())
                    .isEqualTo(404);
            assertThat(vendor.received()).isEmpty();
        }
    }

    @Test
    void databasesAreNotProxied() {
        var id = connection(
                "postgresql",
                null,
                Map.of("host", "127.0.0.1", "port", 5432, "database", "x"),
                Map.of(),
                Map.of("username", "u", "password", "p"));

        var answer = call("GET", id, "/", callerHeaders(), null);

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.text()).contains("PBAY-0602");
        assertThat(answer.header("Content-Type")).isEqualTo("application/problem+json");
    }

    @Test
    void theDestinationBindingDecidesWhereTheCredentialGoes() {
        try (var sealedFor = new VendorStandIn(request -> Reply.of(200, "{}"));
                var movedTo = new VendorStandIn(request -> Reply.of(200, "{}"))) {
            var id = connection("rest_api", sealedFor.baseUrl(), Map.of(), Map.of(), Map.of("token", TOKEN));
            // the row now points elsewhere (as a tampered or stale row would), the credential is still sealed for
            // the first destination
            update("UPDATE live_connections SET base_url = ? WHERE connection_id = ?", movedTo.baseUrl(), id);

            var answer = call("GET", id, "/x", callerHeaders(), null);

            assertThat(answer.status()).isEqualTo(409);
            assertThat(answer.text()).contains("PBAY-0605");
            assertThat(sealedFor.received()).isEmpty();
            assertThat(movedTo.received()).isEmpty();
        }
    }

    @Test
    void aRevokedConnectionsCredentialIsNotThere() {
        try (var vendor = new VendorStandIn(request -> Reply.of(200, "{}"))) {
            var id = connection("rest_api", vendor.baseUrl(), Map.of(), Map.of(), Map.of("token", TOKEN));
            update("DELETE FROM sealed_secrets WHERE connection_id = ?", id);

            var answer = call("GET", id, "/x", callerHeaders(), null);

            assertThat(answer.status()).isEqualTo(409);
            assertThat(answer.text()).contains("PBAY-0604");
            assertThat(vendor.received()).isEmpty();
        }
    }

    @Test
    void theGuardRefusesAMetadataAddressWhateverTheBinding() {
        var id = connection("rest_api", "http://169.254.169.254", Map.of(), Map.of(), Map.of("token", TOKEN));

        var answer = call("GET", id, "/latest/meta-data/", callerHeaders(), null);

        assertThat(answer.status()).isEqualTo(502);
        assertThat(answer.text()).contains("PBAY-0607");
    }

    @Test
    void requestsAndAnswersOverTheirLimitsAndSlowVendorsAreRefused() {
        try (var vendor = new VendorStandIn(request -> switch (request.uri()) {
            case "/large" -> new Reply(200, new byte[300 * 1024]);
            case "/slow" -> {
                Thread.sleep(2_500);
                yield Reply.of(200, "{}");
            }
            default -> Reply.of(200, "{}");
        })) {
            var id = connection("rest_api", vendor.baseUrl(), Map.of(), Map.of(), Map.of("token", TOKEN));

            // as a careful client sends a large body: it asks first, and sends nothing once refused
            var asking = new HashMap<>(callerHeaders());
            asking.put("Content-Length", Integer.toString(65 * 1024));
            asking.put("Expect", "100-continue");
            var tooLarge = call("POST", id, "/upload", asking, null);
            assertThat(tooLarge.status()).isEqualTo(413);
            assertThat(tooLarge.text()).contains("PBAY-0007");
            assertThat(vendor.received()).isEmpty();

            var large = call("GET", id, "/large", callerHeaders(), null);
            assertThat(large.status()).isEqualTo(502);
            assertThat(large.text()).contains("PBAY-0609");

            var slow = call("GET", id, "/slow", callerHeaders(), null);
            assertThat(slow.status()).isEqualTo(504);
            assertThat(slow.text()).contains("PBAY-0610");
        }
    }

    @Test
    void callsOverAConnectionsConcurrencyAreRefusedWithRetryAfter() throws Exception {
        var release = new CountDownLatch(1);
        var arrived = new CountDownLatch(2);
        try (var vendor = new VendorStandIn(request -> {
            arrived.countDown();
            release.await(20, TimeUnit.SECONDS);
            return Reply.of(200, "{}");
        })) {
            var id = connection("rest_api", vendor.baseUrl(), Map.of(), Map.of(), Map.of("token", TOKEN));
            var held = new ArrayList<CompletableFuture<RawHttp.Answer>>();
            for (int i = 0; i < 2; i++) {
                held.add(CompletableFuture.supplyAsync(() -> call("GET", id, "/held", callerHeaders(), null)));
            }
            assertThat(arrived.await(20, TimeUnit.SECONDS)).isTrue();

            var busy = call("GET", id, "/more", callerHeaders(), null);

            release.countDown();
            assertThat(busy.status()).isEqualTo(429);
            assertThat(busy.header("Retry-After")).isEqualTo("1");
            assertThat(busy.text()).contains("PBAY-0603");
            for (var call : held) {
                assertThat(call.get(20, TimeUnit.SECONDS).status()).isEqualTo(200);
            }
        }
    }

    @Test
    void aFailingVendorOpensTheConnectionsCircuit() {
        try (var failing = new VendorStandIn(request -> Reply.of(503, "{}"))) {
            var id = connection("rest_api", failing.baseUrl(), Map.of(), Map.of(), Map.of("token", TOKEN));
            for (int i = 0; i < 5; i++) {
                assertThat(call("GET", id, "/x", callerHeaders(), null).status())
                        .isEqualTo(503);
            }

            var open = call("GET", id, "/x", callerHeaders(), null);

            assertThat(open.status()).isEqualTo(503);
            assertThat(open.text()).contains("PBAY-0611");
            assertThat(open.header("Retry-After")).isNotNull();
            assertThat(failing.received()).hasSize(5);
        }
    }

    // --- helpers

    private Map<String, String> callerHeaders() {
        var headers = new HashMap<String, String>();
        headers.put("Authorization", "Bearer " + TOKENS.token(tenant.value(), "caller"));
        return headers;
    }

    private static RawHttp.Answer call(
            String method, ConnectionId id, String pathAndQuery, Map<String, String> headers, byte[] body) {
        return RawHttp.send(PROXY_PORT, method, "/v1/connections/" + id + "/proxy" + pathAndQuery, headers, body);
    }

    private static String basic(String pair) {
        return "Basic " + java.util.Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A live connection as command-service leaves it: its row in the name index with where it points, and its
     * credential sealed for that destination (by the type's rule: rest_api keeps health_path outside).
     */
    private ConnectionId connection(
            String vendor,
            String baseUrl,
            Map<String, Object> config,
            Map<String, Object> metadata,
            Map<String, String> credential) {
        var id = new ConnectionId(UUID.randomUUID());
        var outside = vendor.equals("rest_api") ? List.of("health_path") : List.<String>of();
        TestVaults.seal(VAULT_DB, VAULT, tenant, id, 1, credential, Destination.of(outside, baseUrl, config));
        try (var db = DriverManager.getConnection(VAULT_DB.jdbcUrl(), VAULT_DB.username(), "");
                var insert = db.prepareStatement("INSERT INTO live_connections (tenant_id, scope_key, config_name, "
                        + "vendor, category, connection_id, credential_version, created_at, base_url, config, "
                        + "metadata) VALUES (?, 'organization', ?, ?, ?, ?, 1, ?, ?, ?, ?)")) {
            insert.setString(1, tenant.value());
            insert.setString(2, "c-" + id);
            insert.setString(3, vendor);
            insert.setString(4, vendor.equals("postgresql") ? "database" : "rest");
            insert.setObject(5, id.value());
            insert.setTimestamp(6, Timestamp.from(Instant.now()));
            insert.setString(7, baseUrl);
            insert.setString(8, JSON.writeValueAsString(config));
            insert.setString(9, JSON.writeValueAsString(metadata));
            insert.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return id;
    }

    private static void update(String sql, Object... parameters) {
        try (var db = DriverManager.getConnection(VAULT_DB.jdbcUrl(), VAULT_DB.username(), "");
                var statement = db.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                var parameter = parameters[i];
                statement.setObject(i + 1, parameter instanceof ConnectionId id ? id.value() : parameter);
            }
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The audit records of one connection, once {@code count} of them are on the topic. */
    private static List<ProxyCallCompleted> auditOf(ConnectionId id, int count) {
        return TopicRecords.of(
                TestInfrastructure.kafkaBootstrapServers(),
                Topics.PROXY_CALLS,
                id,
                "dev.patchbay.proxy.call-completed.v1",
                count);
    }

    /** Every audit record so far, bodies and headers, as text. */
    private static String auditRecordsAsText() {
        return TopicRecords.asText(TestInfrastructure.kafkaBootstrapServers(), Topics.PROXY_CALLS);
    }
}
