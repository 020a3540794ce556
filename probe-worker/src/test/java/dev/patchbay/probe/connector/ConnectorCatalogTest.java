package dev.patchbay.probe.connector;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConnectorCatalogTest {

    private final TestConnectors connectors = new TestConnectors(TestConnectors.LOCAL);
    private final ConnectorCatalog catalog = new ConnectorCatalog(connectors.all());

    @Test
    void theWorkerKnowsTheAggregatorsTheDatabasesKafkaAndGenericRestEndpoints() {
        assertThat(catalog.types()).containsExactly(
                new ConnectorType("belvo", Category.REST, "Belvo", List.of(), List.of("client_id", "secret"), true),
                new ConnectorType("kafka", Category.BROKER, "Apache Kafka", List.of("bootstrap_servers"),
                        List.of("username", "password"), false),
                new ConnectorType("mysql", Category.DATABASE, "MySQL", List.of("host", "port", "database"),
                        List.of("username", "password"), false),
                new ConnectorType("pluggy", Category.REST, "Pluggy", List.of(), List.of("client_id", "secret"), true),
                new ConnectorType("postgresql", Category.DATABASE, "PostgreSQL", List.of("host", "port", "database"),
                        List.of("username", "password"), false),
                new ConnectorType("rest_api", Category.REST, "REST API", List.of(), List.of("token"), false),
                new ConnectorType("webhook", Category.REST, "Webhook endpoint", List.of(), List.of("signing_secret"),
                        false));
    }

    @Test
    void onlyTheAggregatorsTakeWebhooks() {
        assertThat(catalog.types().stream().filter(ConnectorType::supportsWebhooks).map(ConnectorType::vendor))
                .containsExactly("belvo", "pluggy");
    }

    @Test
    void aVendorLeadsToItsConnectorAndItsCheck() {
        assertThat(catalog.find("pluggy")).get().isInstanceOf(PluggyConnector.class);
        assertThat(catalog.find("postgresql")).get().isInstanceOf(PostgresqlConnector.class);
        assertThat(catalog.forVendor("kafka")).get().isInstanceOf(KafkaConnector.class);
        assertThat(catalog.find("oracle")).isEmpty();
        assertThat(catalog.forVendor("oracle")).isEmpty();
        assertThat(catalog.forVendor(null)).isEmpty();
    }

    @Test
    void theRegistrationCarriesTheTypeAsTheApiShowsIt() {
        var at = Instant.parse("2026-11-24T10:00:00.123Z");

        var registered = PostgresqlConnector.TYPE.registered(at);

        assertThat(registered.vendor()).isEqualTo("postgresql");
        assertThat(registered.category()).isEqualTo("database");
        assertThat(registered.displayName()).isEqualTo("PostgreSQL");
        assertThat(registered.requiredConfig()).containsExactly("host", "port", "database");
        assertThat(registered.secretFields()).containsExactly("username", "password");
        assertThat(registered.supportsWebhooks()).isFalse();
        assertThat(registered.registeredAt()).isEqualTo(at);
    }

    @Test
    void twoConnectorsForOneVendorAreRefused() {
        assertThatThrownBy(() -> new ConnectorCatalog(List.of(new PluggyConnector(connectors.http),
                new PluggyConnector(connectors.http))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("pluggy");
    }

    @Test
    void aCatalogWithoutConnectorsIsRefused() {
        assertThatThrownBy(() -> new ConnectorCatalog(List.of())).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aFieldThatIsBothConfigAndSecretIsRefused() {
        assertThatThrownBy(() -> new ConnectorType("odd", Category.REST, "Odd", List.of("token"), List.of("token"),
                false)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("never both");
    }

    @Test
    void aTypeWithoutSecretFieldsIsRefused() {
        assertThatThrownBy(() -> new ConnectorType("open", Category.REST, "Open", List.of(), List.of(), false))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void vendorIdsAndFieldNamesKeepToTheWireSpelling() {
        assertThatThrownBy(() -> new ConnectorType("Pluggy", Category.REST, "Pluggy", List.of(), List.of("secret"),
                true)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ConnectorType("pluggy", Category.REST, "Pluggy", List.of(),
                List.of("clientId"), true)).isInstanceOf(IllegalArgumentException.class);
    }
}
