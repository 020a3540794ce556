package dev.patchbay.probe.connector;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.patchbay.probe.check.DestinationGuard;
import dev.patchbay.probe.check.Failure;
import dev.patchbay.probe.check.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.json.JsonMapper;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIMatcher;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.StandardConstants;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** The HTTP checks, each against a local stand-in that speaks the vendor's protocol. */
@ExtendWith(OutputCaptureExtension.class)
class HttpConnectorsIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final TestConnectors connectors = new TestConnectors(TestConnectors.LOCAL);
    private final String secret = "s3cret-" + UUID.randomUUID();

    /** Pluggy's {@code POST /auth}: the right client id and secret get an API key, anything else a 401. */
    private HttpStandIn pluggy() throws Exception {
        return new HttpStandIn(request -> {
            if (!request.method().equals("POST") || !request.path().equals("/auth")) {
                return new HttpStandIn.Reply(404, "{}");
            }
            var login = JSON.readTree(request.body());
            if (login.path("clientId").asString("").equals("client-1")
                    && login.path("clientSecret").asString("").equals(secret)) {
                return new HttpStandIn.Reply(200, "{\"apiKey\":\"eyJ-key\"}", "Content-Type", "application/json");
            }
            // A careless vendor: it echoes what it was sent, in the body and in a header.
            return new HttpStandIn.Reply(
                    401,
                    "{\"message\":\"invalid credentials " + request.body() + "\"}",
                    "X-Echo",
                    login.path("clientSecret").asString(""));
        });
    }

    @Test
    void pluggyAcceptsTheRightPairAndSaysSoWithAnApiKey() throws Exception {
        try (var vendor = pluggy()) {
            var outcome = check("pluggy", vendor.baseUrl(), Map.of(), "client_id", "client-1", "secret", secret);

            assertThat(outcome).isEqualTo(Outcome.healthy());
            assertThat(vendor.last().headers().getFirst("Content-Type")).isEqualTo("application/json");
            assertThat(JSON.readTree(vendor.last().body()).path("clientSecret").asString())
                    .isEqualTo(secret);
        }
    }

    @Test
    void pluggyRefusingTheSecretIsCredentialsRejectedAndItsEchoOfTheSecretGoesNowhere(CapturedOutput output)
            throws Exception {
        try (var vendor = pluggy()) {
            var wrong = "wrong-" + secret;
            var outcome = check("pluggy", vendor.baseUrl() + "/", Map.of(), "client_id", "client-1", "secret", wrong);

            assertThat(outcome.failure()).isEqualTo(Failure.CREDENTIALS_REJECTED);
            assertThat(outcome.error().message()).isEqualTo("The system refused the credential (HTTP 401).");
            assertThat(vendor.last().path()).isEqualTo("/auth");
            assertThat(JSON.writeValueAsString(outcome.error())).doesNotContain(wrong, secret);
            assertThat(output.getAll()).doesNotContain(wrong, secret);
        }
    }

    @Test
    void pluggyAnsweringWithoutAnApiKeyOrWithAnErrorIsUnexpected(CapturedOutput output) throws Exception {
        try (var noKey = new HttpStandIn(request -> new HttpStandIn.Reply(200, "{\"echo\":" + request.body() + "}"));
                var broken = new HttpStandIn(
                        request -> new HttpStandIn.Reply(500, "boom " + request.body(), "X-Debug", request.body()))) {
            var first = check("pluggy", noKey.baseUrl(), Map.of(), "client_id", "c", "secret", secret);
            var second = check("pluggy", broken.baseUrl(), Map.of(), "client_id", "c", "secret", secret);

            assertThat(first.error().code()).isEqualTo("unexpected_response");
            assertThat(second.error().message()).isEqualTo("The system answered, but not as expected (HTTP 500).");
            assertThat(first.error().message() + second.error().message()).doesNotContain(secret);
            assertThat(output.getAll()).doesNotContain(secret);
        }
    }

    /** Belvo's institutions list behind HTTP Basic: secret id and password. */
    @Test
    void belvoChecksTheKeyPairWithBasicAuthentication() throws Exception {
        var expected =
                "Basic " + Base64.getEncoder().encodeToString(("secret-id:" + secret).getBytes(StandardCharsets.UTF_8));
        try (var vendor = new HttpStandIn(request -> request.path().equals("/api/institutions/?page_size=1")
                        && expected.equals(request.headers().getFirst("Authorization"))
                ? new HttpStandIn.Reply(200, "{\"count\":1,\"results\":[]}")
                : new HttpStandIn.Reply(
                        401,
                        "[{\"code\":\"authentication_failed\",\"echo\":\""
                                + request.headers().getFirst("Authorization") + "\"}]",
                        "WWW-Authenticate",
                        "Basic " + request.headers().getFirst("Authorization")))) {
            assertThat(check("belvo", vendor.baseUrl(), Map.of(), "client_id", "secret-id", "secret", secret))
                    .isEqualTo(Outcome.healthy());
            assertThat(vendor.last().method()).isEqualTo("GET");

            var rejected = check("belvo", vendor.baseUrl(), Map.of(), "client_id", "secret-id", "secret", "nope");
            assertThat(rejected.failure()).isEqualTo(Failure.CREDENTIALS_REJECTED);
            assertThat(rejected.error().message()).doesNotContain("nope");
        }
        try (var forbidden = new HttpStandIn(request -> new HttpStandIn.Reply(403, ""))) {
            assertThat(check("belvo", forbidden.baseUrl(), Map.of(), "client_id", "i", "secret", secret)
                            .failure())
                    .isEqualTo(Failure.CREDENTIALS_REJECTED);
        }
    }

    @Test
    void aRestApiGetsItsTokenAsABearerOrInItsOwnHeaderAtItsHealthPath() throws Exception {
        try (var api = new HttpStandIn(request -> {
            var bearer = request.headers().getFirst("Authorization");
            var own = request.headers().getFirst("X-Api-Key");
            boolean ok = ("Bearer " + secret).equals(bearer) || secret.equals(own);
            return new HttpStandIn.Reply(ok ? 204 : 401, "");
        })) {
            assertThat(check("rest_api", api.baseUrl(), Map.of(), "token", secret))
                    .isEqualTo(Outcome.healthy());
            assertThat(api.last().path()).isEqualTo("/");

            assertThat(check(
                            "rest_api",
                            api.baseUrl() + "/v2",
                            Map.of(
                                    "auth_scheme",
                                    "header",
                                    "header_name",
                                    "X-Api-Key",
                                    "health_path",
                                    "/status?deep=1"),
                            "token",
                            secret))
                    .isEqualTo(Outcome.healthy());
            assertThat(api.last().path()).isEqualTo("/v2/status?deep=1");
            assertThat(api.last().headers().getFirst("Authorization")).isNull();

            assertThat(check("rest_api", api.baseUrl(), Map.of(), "token", "other")
                            .failure())
                    .isEqualTo(Failure.CREDENTIALS_REJECTED);
        }
    }

    @Test
    void anOAuth2ApiGetsTheAccessTokenAsABearerAtItsCheckPathAndNothingGoesToTheTokenEndpoint() throws Exception {
        try (var api = new HttpStandIn(request -> new HttpStandIn.Reply(
                ("Bearer " + secret).equals(request.headers().getFirst("Authorization")) ? 200 : 401, ""))) {
            var config = Map.<String, Object>of("token_endpoint", api.baseUrl() + "/oauth/token", "check_path", "/me");

            assertThat(check(
                            "oauth2",
                            api.baseUrl(),
                            config,
                            "client_id",
                            "client-1",
                            "client_secret",
                            "cs",
                            "access_token",
                            secret,
                            "refresh_token",
                            "rt"))
                    .isEqualTo(Outcome.healthy());
            assertThat(api.last().path()).isEqualTo("/me");
            assertThat(check(
                            "oauth2",
                            api.baseUrl(),
                            Map.of("token_endpoint", api.baseUrl() + "/oauth/token"),
                            "client_id",
                            "client-1",
                            "client_secret",
                            "cs",
                            "access_token",
                            "expired"))
                    .isEqualTo(Outcome.failed(Failure.CREDENTIALS_REJECTED, 401));
            assertThat(api.last().path()).isEqualTo("/");
            assertThat(api.received())
                    .hasSize(2)
                    .noneMatch(request -> request.path().startsWith("/oauth"));
        }
    }

    @Test
    void aRestApiConfigThatCannotBeUsedIsSaidSoWithoutARequest() throws Exception {
        try (var api = new HttpStandIn(request -> new HttpStandIn.Reply(200, ""))) {
            for (var config : new Map[] {
                Map.of("auth_scheme", "digest"),
                Map.of("auth_scheme", "header"),
                Map.of("auth_scheme", "header", "header_name", "Host"),
                Map.of("auth_scheme", "header", "header_name", "X-Key\r\nX-Evil"),
                Map.of("health_path", "@evil.test/"),
                Map.of("health_path", "//evil.test/")
            }) {
                @SuppressWarnings("unchecked")
                var outcome = check("rest_api", api.baseUrl(), (Map<String, Object>) config, "token", secret);
                assertThat(outcome.error().code()).as(config.toString()).isEqualTo("unexpected_response");
                assertThat(outcome.error().message()).contains("configuration");
            }
            assertThat(api.received()).isEmpty();
        }
    }

    @Test
    void aWebhookEndpointIsAskedWithHeadAndNeverSeesItsSigningSecret() throws Exception {
        for (int status : new int[] {200, 204, 301, 405}) {
            try (var endpoint = new HttpStandIn(request -> new HttpStandIn.Reply(status, ""))) {
                assertThat(check("webhook", endpoint.baseUrl() + "/hooks/in", Map.of(), "signing_secret", secret))
                        .as("HTTP " + status)
                        .isEqualTo(Outcome.healthy());
                var request = endpoint.last();
                assertThat(request.method()).isEqualTo("HEAD");
                assertThat(request.path()).isEqualTo("/hooks/in");
                request.headers()
                        .values()
                        .forEach(values -> assertThat(values.toString()).doesNotContain(secret));
            }
        }
        try (var gone = new HttpStandIn(request -> new HttpStandIn.Reply(404, ""))) {
            assertThat(check("webhook", gone.baseUrl(), Map.of(), "signing_secret", secret)
                            .error()
                            .message())
                    .isEqualTo("The system answered, but not as expected (HTTP 404).");
        }
    }

    @Test
    void aClosedPortIsUnreachableAndASilentOneATimeout() throws Exception {
        var closed = "http://127.0.0.1:" + CountingPort.closedPort();
        assertThat(check("pluggy", closed, Map.of(), "client_id", "c", "secret", secret)
                        .failure())
                .isEqualTo(Failure.UNREACHABLE);
        try (var silent = new CountingPort()) {
            long started = System.nanoTime();
            var outcome = check("rest_api", "http://127.0.0.1:" + silent.port(), Map.of(), "token", secret);
            assertThat(outcome.failure()).isEqualTo(Failure.TIMEOUT);
            assertThat(System.nanoTime() - started).isLessThan(6_000_000_000L);
            assertThat(silent.accepted()).isEqualTo(1);
        }
    }

    @Test
    void httpsToAServerThatDoesNotSpeakTlsIsATlsError() throws Exception {
        try (var plain = new CountingPort(
                "HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII))) {
            var outcome = check("webhook", "https://127.0.0.1:" + plain.port(), Map.of(), "signing_secret", secret);
            assertThat(outcome.failure()).isEqualTo(Failure.TLS_ERROR);
        }
    }

    @Test
    void theRequestGoesToTheCheckedAddressWhileTheHostHeaderKeepsTheName() throws Exception {
        var lookups = new java.util.concurrent.atomic.AtomicInteger();
        DestinationGuard.Resolver resolver = host -> {
            lookups.incrementAndGet();
            if (host.equals("api.vendor.test")) {
                return new InetAddress[] {InetAddress.getByName("127.0.0.1")};
            }
            throw new UnknownHostException(host);
        };
        var named = new TestConnectors(TestConnectors.LOCAL, DestinationGuard.of(TestConnectors.LOCAL, resolver));
        try (var vendor = new HttpStandIn(request -> new HttpStandIn.Reply(200, "{\"apiKey\":\"k\"}"))) {
            var connector = named.all().stream()
                    .filter(c -> c.type().vendor().equals("pluggy"))
                    .findFirst()
                    .orElseThrow();
            var outcome = connector.run(
                    TestConnectors.target("pluggy", "http://api.vendor.test:" + vendor.port(), Map.of()),
                    TestConnectors.credential("client_id", "c", "secret", secret));

            assertThat(outcome).isEqualTo(Outcome.healthy());
            assertThat(vendor.last().headers().getFirst("Host")).isEqualTo("api.vendor.test:" + vendor.port());
            assertThat(lookups).hasValue(1);
        }
    }

    /**
     * A vendor behind TLS with a certificate nobody trusts, at a name that the guard resolves to 127.0.0.1: the
     * handshake reaches the checked address, names the host in SNI, and fails as a TLS error.
     */
    @Test
    void anUntrustedCertificateIsATlsErrorAndTheNameTravelsInSni(@TempDir Path directory) throws Exception {
        var keystore = directory.resolve("vendor.p12");
        var keytool = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "keytool")
                                .toString(),
                        "-genkeypair",
                        "-alias",
                        "vendor",
                        "-keyalg",
                        "EC",
                        "-groupname",
                        "secp256r1",
                        "-dname",
                        "CN=vendor.test",
                        "-ext",
                        "SAN=dns:vendor.test",
                        "-validity",
                        "2",
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        keystore.toString(),
                        "-storepass",
                        "changeit",
                        "-keypass",
                        "changeit")
                .redirectErrorStream(true)
                .start();
        keytool.getInputStream().readAllBytes();
        assertThat(keytool.waitFor()).isZero();
        var keys = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(keystore)) {
            keys.load(in, "changeit".toCharArray());
        }
        var managers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        managers.init(keys, "changeit".toCharArray());
        var tls = SSLContext.getInstance("TLS");
        tls.init(managers.getKeyManagers(), null, null);
        var sni = new AtomicReference<String>();
        var server = HttpsServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls) {
            @Override
            public void configure(HttpsParameters parameters) {
                var ssl = tls.getDefaultSSLParameters();
                ssl.setSNIMatchers(List.of(new SNIMatcher(StandardConstants.SNI_HOST_NAME) {
                    @Override
                    public boolean matches(SNIServerName name) {
                        sni.set(((SNIHostName) name).getAsciiName());
                        return true;
                    }
                }));
                parameters.setSSLParameters(ssl);
            }
        });
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        try {
            DestinationGuard.Resolver resolver = host -> new InetAddress[] {InetAddress.getByName("127.0.0.1")};
            var named = new TestConnectors(TestConnectors.LOCAL, DestinationGuard.of(TestConnectors.LOCAL, resolver));
            var webhook = named.all().stream()
                    .filter(c -> c.type().vendor().equals("webhook"))
                    .findFirst()
                    .orElseThrow();

            var outcome = webhook.run(
                    TestConnectors.target(
                            "webhook",
                            "https://vendor.test:" + server.getAddress().getPort() + "/hook",
                            Map.of()),
                    TestConnectors.credential("signing_secret", secret));

            assertThat(outcome.failure()).isEqualTo(Failure.TLS_ERROR);
            assertThat(sni).hasValue("vendor.test");
        } finally {
            server.stop(0);
        }
    }

    /**
     * Some vendors' servers read a request body by its Content-Length only, and answer 411 to a chunked one (or read
     * an empty body): every connector's request, with a body or without, must work against such a server.
     */
    @Test
    void everyConnectorsRequestWorksWithAServerThatReadsBodiesByContentLengthOnly() throws Exception {
        try (var vendor = new HttpStandIn(
                request -> {
                    if (request.method().equals("POST")) {
                        var login = JSON.readTree(request.body().isEmpty() ? "{}" : request.body());
                        return login.path("clientSecret").asString("").equals(secret)
                                ? new HttpStandIn.Reply(200, "{\"apiKey\":\"k\"}")
                                : new HttpStandIn.Reply(401, "");
                    }
                    return new HttpStandIn.Reply(200, "{}");
                },
                true)) {
            assertThat(check("pluggy", vendor.baseUrl(), Map.of(), "client_id", "c", "secret", secret))
                    .isEqualTo(Outcome.healthy());
            assertThat(vendor.last().headers().getFirst("Content-Length"))
                    .isEqualTo(Integer.toString(vendor.last().body().getBytes(StandardCharsets.UTF_8).length));
            assertThat(check("belvo", vendor.baseUrl(), Map.of(), "client_id", "c", "secret", secret))
                    .isEqualTo(Outcome.healthy());
            assertThat(check("rest_api", vendor.baseUrl(), Map.of(), "token", secret))
                    .isEqualTo(Outcome.healthy());
            assertThat(check("webhook", vendor.baseUrl(), Map.of(), "signing_secret", secret))
                    .isEqualTo(Outcome.healthy());
            vendor.received()
                    .forEach(request -> assertThat(request.headers().containsKey("Transfer-Encoding"))
                            .as(request.method() + " " + request.path())
                            .isFalse());
        }
    }

    @Test
    void redirectsAreNotFollowed() throws Exception {
        try (var target = new HttpStandIn(request -> new HttpStandIn.Reply(200, "{\"apiKey\":\"k\"}"));
                var redirecting = new HttpStandIn(
                        request -> new HttpStandIn.Reply(307, "", "Location", target.baseUrl() + "/auth"))) {
            var outcome = check("pluggy", redirecting.baseUrl(), Map.of(), "client_id", "c", "secret", secret);

            assertThat(outcome.error().message()).contains("HTTP 307");
            assertThat(target.received()).isEmpty();
        }
    }

    private Outcome check(String vendor, String baseUrl, Map<String, Object> config, String... credential) {
        var connector = connectors.all().stream()
                .filter(c -> c.type().vendor().equals(vendor))
                .findFirst()
                .orElseThrow();
        try (var opened = TestConnectors.credential(credential)) {
            return connector.run(TestConnectors.target(vendor, baseUrl, config), opened);
        }
    }
}
