package dev.patchbay.query.connector;

import dev.patchbay.contracts.connector.ConnectorTypeRegistered;
import dev.patchbay.platform.json.PatchbayJson;
import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Readable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import java.util.List;

/**
 * The {@code connector_types} read table: the latest registration of each vendor. An older registration, replayed
 * after a newer one, changes nothing.
 */
@Repository
class ConnectorTypes {

    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

    private static final String UPSERT = """
            INSERT INTO connector_types (vendor, category, display_name, required_config, secret_fields,
                supports_webhooks, registered_at, config_outside_destination, allowed_hosts, optional_secret_fields)
            VALUES (:vendor, :category, :displayName, :requiredConfig, :secretFields, :supportsWebhooks,
                :registeredAt, :configOutsideDestination, :allowedHosts, :optionalSecretFields)
            ON CONFLICT (vendor) DO UPDATE SET category = EXCLUDED.category, display_name = EXCLUDED.display_name,
                required_config = EXCLUDED.required_config, secret_fields = EXCLUDED.secret_fields,
                supports_webhooks = EXCLUDED.supports_webhooks, registered_at = EXCLUDED.registered_at,
                config_outside_destination = EXCLUDED.config_outside_destination,
                allowed_hosts = EXCLUDED.allowed_hosts,
                optional_secret_fields = EXCLUDED.optional_secret_fields
            WHERE connector_types.registered_at <= EXCLUDED.registered_at
            """;

    private final DatabaseClient db;
    private final JsonMapper json = PatchbayJson.eventMapper();

    ConnectorTypes(DatabaseClient db) {
        this.db = db;
    }

    Mono<Boolean> apply(ConnectorTypeRegistered e) {
        return db.sql(UPSERT)
                .bind("vendor", e.vendor())
                .bind("category", e.category())
                .bind("displayName", e.displayName() == null ? e.vendor() : e.displayName())
                .bind("requiredConfig", Json.of(json.writeValueAsBytes(e.requiredConfig())))
                .bind("secretFields", Json.of(json.writeValueAsBytes(e.secretFields())))
                .bind("supportsWebhooks", e.supportsWebhooks())
                .bind("registeredAt", e.registeredAt())
                .bind("configOutsideDestination", Json.of(json.writeValueAsBytes(e.configOutsideDestination())))
                .bind("allowedHosts", Json.of(json.writeValueAsBytes(e.allowedHosts())))
                .bind("optionalSecretFields", Json.of(json.writeValueAsBytes(e.optionalSecretFields())))
                .fetch()
                .rowsUpdated()
                .map(rows -> rows > 0);
    }

    Flux<ConnectorTypeView> all() {
        return db.sql(
                        "SELECT vendor, category, display_name, required_config, secret_fields, supports_webhooks, "
                                + "config_outside_destination, allowed_hosts, optional_secret_fields FROM connector_types ORDER BY vendor COLLATE \"C\"")
                .map(this::view)
                .all();
    }

    private ConnectorTypeView view(Readable row) {
        return new ConnectorTypeView(
                row.get("vendor", String.class),
                row.get("category", String.class),
                row.get("display_name", String.class),
                strings(row.get("required_config", Json.class)),
                strings(row.get("secret_fields", Json.class)),
                row.get("supports_webhooks", Boolean.class),
                strings(row.get("config_outside_destination", Json.class)),
                strings(row.get("allowed_hosts", Json.class)),
                strings(row.get("optional_secret_fields", Json.class)));
    }

    private List<String> strings(Json value) {
        return json.readValue(value.asArray(), STRINGS);
    }
}
