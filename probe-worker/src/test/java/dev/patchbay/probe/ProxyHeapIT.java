package dev.patchbay.probe;

import com.sun.management.HotSpotDiagnosticMXBean;
import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.TenantId;
import dev.patchbay.probe.check.SecretSafeJson;
import dev.patchbay.probe.proxy.RawHttp;
import dev.patchbay.probe.proxy.VendorStandIn;
import dev.patchbay.probe.proxy.VendorStandIn.Reply;
import dev.patchbay.vault.Destination;
import dev.patchbay.vault.Vault;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No credential outlives the proxied call it was injected for: after calls through the proxy for every type it
 * injects (rest_api bearer, named header and Basic, belvo, pluggy, oauth2), a heap dump of live objects (a full GC
 * first) of this JVM, which runs the worker, holds none of the credentials' values in any form the calls carried
 * them ({@code Bearer <token>}, Basic's base64, the raw value in Latin-1 or UTF-16), as e2e's SecretsIT searches a
 * service's heap. The vendors are local stand-ins ({@link VendorStandIn}), since the real ones cannot be reached.
 *
 * <p>So that the test's own copies are not what is found, the secrets are never kept here: each is derived from
 * {@link #seed} when a connection is sealed and when the dump is searched; the stand-ins compare what arrived by its
 * SHA-256, and are closed before the dump.
 */
class ProxyHeapIT extends RunningWorker {

    private static final Vault VAULT = TestVaults.vault(VAULT_KEY, FINGERPRINT_KEY);
    /** Also for the stand-in's reading of Pluggy's login: a recycled buffer would keep its client secret here. */
    private static final JsonMapper JSON = SecretSafeJson.mapper();

    private final TenantId tenant = TenantId.of("heap-" + UUID.randomUUID());
    private final long seed = ThreadLocalRandom.current().nextLong();

    @Test
    void noInjectedCredentialIsReachableAfterItsCall() throws Exception {
        for (int round = 0; round < 2; round++) {
            callEachType();
        }

        var dump =
                Path.of("target", "proxy-heap-" + UUID.randomUUID() + ".hprof").toAbsolutePath();
        Files.createDirectories(dump.getParent());
        ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).dumpHeap(dump.toString(), true);
        try {
            var forms = new LinkedHashMap<String, byte[]>();
            for (var name : List.of("bearer", "header", "basic", "belvo", "pluggy", "access", "client", "refresh")) {
                var secret = secret(name);
                forms.put(name + " (Latin-1)", secret.getBytes(StandardCharsets.ISO_8859_1));
                forms.put(name + " (UTF-16LE)", secret.getBytes(StandardCharsets.UTF_16LE));
                forms.put(name + " (UTF-16BE)", secret.getBytes(StandardCharsets.UTF_16BE));
            }
            forms.put("rest_api Basic", base64("svc:" + secret("basic")));
            forms.put("belvo Basic", base64("belvo-id:" + secret("belvo")));
            var found = find(dump, forms);
            assertThat(found).as("credentials still reachable in the heap").isEmpty();
            System.out.printf(
                    "proxy heap: %d forms of 8 secrets searched in a %d MB dump of live objects, none found%n",
                    forms.size(), Files.size(dump) >> 20);
        } finally {
            Files.deleteIfExists(dump);
        }
    }

    /** One proxied call of each injecting type, each answered 200 only when its credential arrived as it should. */
    private void callEachType() {
        var bearer = sha256("Bearer " + secret("bearer"));
        var header = sha256(secret("header"));
        var basic = sha256("Basic " + new String(base64("svc:" + secret("basic")), StandardCharsets.US_ASCII));
        var belvo = sha256("Basic " + new String(base64("belvo-id:" + secret("belvo")), StandardCharsets.US_ASCII));
        var oauth2 = sha256("Bearer " + secret("access"));
        var pluggy = sha256(secret("pluggy"));
        try (var vendor = new VendorStandIn(request -> {
            if (request.uri().equals("/auth")) {
                var login = JSON.readTree(request.body());
                return MessageDigest.isEqual(sha256(login.path("clientSecret").asString()), pluggy)
                        ? Reply.of(200, "{\"apiKey\":\"plain-api-key\"}")
                        : Reply.of(401, "{}");
            }
            var expected = switch (request.uri()) {
                case "/bearer" -> bearer;
                case "/basic" -> basic;
                case "/belvo" -> belvo;
                case "/oauth2" -> oauth2;
                default -> null;
            };
            boolean arrived = switch (request.uri()) {
                case "/header" -> MessageDigest.isEqual(sha256(request.header("X-Token")), header);
                case "/pluggy" -> "plain-api-key".equals(request.header("X-API-KEY"));
                default -> expected != null && MessageDigest.isEqual(sha256(request.header("Authorization")), expected);
            };
            return arrived ? Reply.of(200, "{\"ok\":true}") : Reply.of(403, "{}");
        })) {
            var base = vendor.baseUrl();
            var calls = new LinkedHashMap<String, ConnectionId>();
            calls.put("/bearer", connection("rest_api", base, Map.of(), Map.of("token", secret("bearer"))));
            calls.put(
                    "/header",
                    connection(
                            "rest_api",
                            base,
                            Map.of("auth_scheme", "header", "header_name", "X-Token"),
                            Map.of("token", secret("header"))));
            calls.put(
                    "/basic",
                    connection(
                            "rest_api",
                            base,
                            Map.of("auth_scheme", "basic", "username", "svc"),
                            Map.of("token", secret("basic"))));
            calls.put(
                    "/belvo",
                    connection("belvo", base, Map.of(), Map.of("client_id", "belvo-id", "secret", secret("belvo"))));
            calls.put(
                    "/pluggy",
                    connection("pluggy", base, Map.of(), Map.of("client_id", "pluggy-id", "secret", secret("pluggy"))));
            calls.put(
                    "/oauth2",
                    connection(
                            "oauth2",
                            base,
                            Map.of("token_endpoint", base + "/token"),
                            Map.of(
                                    "client_id",
                                    "oauth2-id",
                                    "client_secret",
                                    secret("client"),
                                    "access_token",
                                    secret("access"),
                                    "refresh_token",
                                    secret("refresh"))));
            var caller = Map.of("Authorization", "Bearer " + TOKENS.token(tenant.value(), "caller"));
            for (var call : calls.entrySet()) {
                var answer = RawHttp.send(
                        PROXY_PORT,
                        "POST",
                        "/v1/connections/" + call.getValue() + "/proxy" + call.getKey(),
                        caller,
                        "{\"a\":1}".getBytes(StandardCharsets.UTF_8));
                assertThat(answer.status())
                        .as("%s: %s", call.getKey(), answer.text())
                        .isEqualTo(200);
            }
        }
    }

    /** A secret of this run, made again from the seed whenever it is needed (never kept). */
    private String secret(String name) {
        return name + "-" + HexFormat.of().formatHex(sha256(seed + "/" + name)).substring(0, 24);
    }

    private static byte[] sha256(String text) {
        if (text == null) {
            return new byte[0];
        }
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] base64(String pair) {
        return Base64.getEncoder().encode(pair.getBytes(StandardCharsets.UTF_8));
    }

    /** The names of the forms found in the file, read once in blocks (the dump can be hundreds of MB). */
    private static List<String> find(Path file, Map<String, byte[]> forms) throws IOException {
        int longest =
                forms.values().stream().mapToInt(form -> form.length).max().orElse(1);
        var found = new ArrayList<String>();
        var block = new byte[8 << 20];
        int kept = 0;
        try (var in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            while (true) {
                int read = in.readNBytes(block, kept, block.length - kept);
                int size = kept + read;
                for (var form : forms.entrySet()) {
                    if (!found.contains(form.getKey()) && indexOf(block, size, form.getValue()) >= 0) {
                        found.add(form.getKey());
                    }
                }
                if (read == 0 || size < block.length) {
                    return found;
                }
                kept = Math.min(longest - 1, size);
                System.arraycopy(block, size - kept, block, 0, kept);
            }
        }
    }

    private static int indexOf(byte[] haystack, int size, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= size; i++) {
            if (haystack[i] != needle[0]) {
                continue;
            }
            for (int j = 1; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /**
     * A live connection as command-service leaves it: its row in the name index and its credential sealed for its
     * destination (by the type's rule for what stays outside it).
     */
    private ConnectionId connection(
            String vendor, String baseUrl, Map<String, Object> config, Map<String, String> credential) {
        var id = new ConnectionId(UUID.randomUUID());
        var outside = switch (vendor) {
            case "rest_api" -> List.of("health_path");
            case "oauth2" -> List.of("scope", "client_auth", "check_path");
            default -> List.<String>of();
        };
        TestVaults.seal(VAULT_DB, VAULT, tenant, id, 1, credential, Destination.of(outside, baseUrl, config));
        try (var db = DriverManager.getConnection(VAULT_DB.jdbcUrl(), VAULT_DB.username(), "");
                var insert = db.prepareStatement("INSERT INTO live_connections (tenant_id, scope_key, config_name, "
                        + "vendor, category, connection_id, credential_version, created_at, base_url, config, "
                        + "metadata) VALUES (?, 'organization', ?, ?, 'rest', ?, 1, ?, ?, ?, '{}')")) {
            insert.setString(1, tenant.value());
            insert.setString(2, "c-" + id);
            insert.setString(3, vendor);
            insert.setObject(4, id.value());
            insert.setTimestamp(5, Timestamp.from(Instant.now()));
            insert.setString(6, baseUrl);
            insert.setString(7, JSON.writeValueAsString(config));
            insert.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return id;
    }
}
