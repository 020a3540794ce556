package dev.patchbay.probe.connector;

import dev.patchbay.contracts.connector.Category;
import dev.patchbay.probe.check.ProbeTarget;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConnectorCatalogTest {

    private final TestConnectors connectors = new TestConnectors(TestConnectors.LOCAL);
    private static final ConnectorProperties DEFAULTS = new ConnectorProperties(Map.of());
    private final ConnectorCatalog catalog = new ConnectorCatalog(connectors.all(), DEFAULTS);

    @Test
    void theWorkerKnowsTheAggregatorsTheDatabasesKafkaAndGenericRestEndpoints() {
        assertThat(catalog.types())
                .containsExactly(
                        new ConnectorType(
                                "belvo",
                                Category.REST,
                                "Belvo",
                                List.of(),
                                List.of("client_id", "secret"),
                                true,
                                List.of(),
                                List.of("api.belvo.com", "sandbox.belvo.com", "development.belvo.com")),
                        new ConnectorType(
                                "kafka",
                                Category.BROKER,
                                "Apache Kafka",
                                List.of("bootstrap_servers"),
                                List.of("username", "password"),
                                false,
                                List.of(),
                                List.of()),
                        new ConnectorType(
                                "mysql",
                                Category.DATABASE,
                                "MySQL",
                                List.of("host", "port", "database"),
                                List.of("username", "password"),
                                false,
                                List.of("database"),
                                List.of()),
                        new ConnectorType(
                                "oauth2",
                                Category.REST,
                                "OAuth2 API",
                                List.of("token_endpoint"),
                                List.of("client_id", "client_secret", "access_token"),
                                false,
                                List.of("scope", "client_auth", "check_path"),
                                List.of(),
                                List.of("refresh_token")),
                        new ConnectorType(
                                "pluggy",
                                Category.REST,
                                "Pluggy",
                                List.of(),
                                List.of("client_id", "secret"),
                                true,
                                List.of(),
                                List.of("api.pluggy.ai")),
                        new ConnectorType(
                                "postgresql",
                                Category.DATABASE,
                                "PostgreSQL",
                                List.of("host", "port", "database"),
                                List.of("username", "password"),
                                false,
                                List.of("database"),
                                List.of()),
                        new ConnectorType(
                                "rest_api",
                                Category.REST,
                                "REST API",
                                List.of(),
                                List.of("token"),
                                false,
                                List.of("health_path"),
                                List.of()),
                        new ConnectorType(
                                "webhook",
                                Category.REST,
                                "Webhook endpoint",
                                List.of(),
                                List.of("signing_secret"),
                                false,
                                List.of(),
                                List.of()));
    }

    @Test
    void onlyTheAggregatorsTakeWebhooks() {
        assertThat(catalog.types().stream()
                        .filter(ConnectorType::supportsWebhooks)
                        .map(ConnectorType::vendor))
                .containsExactly("belvo", "pluggy");
    }

    @Test
    void aVendorLeadsToItsConnectorAndItsCheck() {
        assertThat(catalog.find("pluggy")).get().isInstanceOf(PluggyConnector.class);
        assertThat(catalog.find("postgresql")).get().isInstanceOf(PostgresqlConnector.class);
        assertThat(catalog.forVendor("kafka")).isPresent();
        assertThat(catalog.find("oracle")).isEmpty();
        assertThat(catalog.forVendor("oracle")).isEmpty();
        assertThat(catalog.forVendor(null)).isEmpty();
    }

    @Test
    void theRegistrationCarriesTheTypeAsTheApiShowsIt() {
        var at = Instant.parse("2026-11-24T10:00:00.123Z");

        var registered = catalog.registered(PostgresqlConnector.TYPE, at);

        assertThat(registered.vendor()).isEqualTo("postgresql");
        assertThat(registered.category()).isEqualTo("database");
        assertThat(registered.displayName()).isEqualTo("PostgreSQL");
        assertThat(registered.requiredConfig()).containsExactly("host", "port", "database");
        assertThat(registered.secretFields()).containsExactly("username", "password");
        assertThat(registered.supportsWebhooks()).isFalse();
        assertThat(registered.registeredAt()).isEqualTo(at);
        assertThat(registered.configOutsideDestination()).containsExactly("database");
        assertThat(registered.allowedHosts()).isEmpty();
        assertThat(catalog.registered(PluggyConnector.TYPE, at).allowedHosts()).containsExactly("api.pluggy.ai");
    }

    @Test
    void anAggregatorIsReachedOnlyAtItsOwnHostsUnlessAnOperatorNamesOthers() {
        var pluggy = catalog.forVendor("pluggy").orElseThrow();
        assertThat(pluggy.allows(target("https://api.pluggy.ai"))).isTrue();
        assertThat(pluggy.allows(target("https://API.Pluggy.ai:443/v2"))).isTrue();
        assertThat(pluggy.allows(target("https://collector.attacker.example"))).isFalse();
        assertThat(pluggy.allows(target("https://api.pluggy.ai.attacker.example")))
                .isFalse();
        assertThat(pluggy.allows(target(null))).isFalse();
        assertThat(catalog.forVendor("rest_api").orElseThrow().allows(target("https://anywhere.example")))
                .isTrue();

        var operated = new ConnectorCatalog(
                connectors.all(), new ConnectorProperties(Map.of("pluggy", List.of(" 127.0.0.1 "))));
        assertThat(operated.forVendor("pluggy").orElseThrow().allows(target("http://127.0.0.1:8443")))
                .isTrue();
        assertThat(operated.forVendor("pluggy").orElseThrow().allows(target("https://api.pluggy.ai")))
                .isFalse();
        assertThat(operated.registered(PluggyConnector.TYPE, Instant.now()).allowedHosts())
                .containsExactly("127.0.0.1");
    }

    @Test
    void theDestinationOfEachTypeLeavesOutOnlyWhatItNames() {
        var postgres = catalog.forVendor("postgresql").orElseThrow();
        var config = Map.<String, Object>of("host", "db.example.com", "port", 5432, "database", "app");
        var sameServer = Map.<String, Object>of("host", "db.example.com", "port", "5432", "database", "other");
        var otherServer = Map.<String, Object>of("host", "db.example.com", "port", 5433, "database", "app");
        assertThat(postgres.destination(new ProbeTarget(null, "postgresql", null, config)))
                .isEqualTo(postgres.destination(new ProbeTarget(null, "postgresql", null, sameServer)))
                .isNotEqualTo(postgres.destination(new ProbeTarget(null, "postgresql", null, otherServer)));
        var rest = catalog.forVendor("rest_api").orElseThrow();
        assertThat(rest.destination(
                        new ProbeTarget(null, "rest_api", "https://api.example.com/v1", Map.of("health_path", "/a"))))
                .isEqualTo(rest.destination(new ProbeTarget(
                        null, "rest_api", "https://API.example.com:443/v2", Map.of("health_path", "/b"))))
                .isNotEqualTo(
                        rest.destination(new ProbeTarget(null, "rest_api", "http://api.example.com/v1", Map.of())));
    }

    @Test
    void anOAuth2CredentialIsBoundToTheApisOriginAndItsTokenEndpointButNotToItsScopeOrCheckPath() {
        var oauth2 = catalog.forVendor("oauth2").orElseThrow();
        var base = "https://api.example.com";
        var config = Map.<String, Object>of(
                "token_endpoint", "https://auth.example.com/oauth/token", "scope", "read", "check_path", "/me");
        var otherScope = Map.<String, Object>of(
                "token_endpoint",
                "https://auth.example.com/oauth/token",
                "scope",
                "write",
                "client_auth",
                "client_secret_post");
        var otherEndpoint = Map.<String, Object>of("token_endpoint", "https://collector.example/oauth/token");

        assertThat(oauth2.destination(new ProbeTarget(null, "oauth2", base, config)))
                .isEqualTo(oauth2.destination(new ProbeTarget(null, "oauth2", base, otherScope)))
                .isNotEqualTo(oauth2.destination(new ProbeTarget(null, "oauth2", base, otherEndpoint)))
                .isNotEqualTo(oauth2.destination(new ProbeTarget(null, "oauth2", "https://other.example.com", config)));
        var registered = catalog.registered(OAuth2Connector.TYPE, Instant.now());
        assertThat(registered.secretFields()).containsExactly("client_id", "client_secret", "access_token");
        assertThat(registered.optionalSecretFields()).containsExactly("refresh_token");
        assertThat(catalog.registered(RestApiConnector.TYPE, Instant.now()).optionalSecretFields())
                .isEmpty();
    }

    @Test
    void aSecretFieldIsEitherRequiredOrOptionalNeverBoth() {
        assertThatThrownBy(() -> new ConnectorType(
                        "odd",
                        Category.REST,
                        "Odd",
                        List.of(),
                        List.of("token"),
                        false,
                        List.of(),
                        List.of(),
                        List.of("token")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("never both");
        assertThatThrownBy(() -> new ConnectorType(
                        "odd",
                        Category.REST,
                        "Odd",
                        List.of("refresh_token"),
                        List.of("token"),
                        false,
                        List.of(),
                        List.of(),
                        List.of("refresh_token")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("never both");
    }

    private static ProbeTarget target(String baseUrl) {
        return new ProbeTarget(null, "pluggy", baseUrl, Map.of());
    }

    @Test
    void twoConnectorsForOneVendorAreRefused() {
        assertThatThrownBy(() -> new ConnectorCatalog(
                        List.of(new PluggyConnector(connectors.http), new PluggyConnector(connectors.http)), DEFAULTS))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("pluggy");
    }

    @Test
    void aCatalogWithoutConnectorsIsRefused() {
        assertThatThrownBy(() -> new ConnectorCatalog(List.of(), DEFAULTS)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aFieldThatIsBothConfigAndSecretIsRefused() {
        assertThatThrownBy(() -> new ConnectorType(
                        "odd", Category.REST, "Odd", List.of("token"), List.of("token"), false, List.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("never both");
    }

    @Test
    void aTypeWithoutSecretFieldsIsRefused() {
        assertThatThrownBy(() -> new ConnectorType(
                        "open", Category.REST, "Open", List.of(), List.of(), false, List.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void vendorIdsAndFieldNamesKeepToTheWireSpelling() {
        assertThatThrownBy(() -> new ConnectorType(
                        "Pluggy", Category.REST, "Pluggy", List.of(), List.of("secret"), true, List.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ConnectorType(
                        "pluggy", Category.REST, "Pluggy", List.of(), List.of("clientId"), true, List.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
