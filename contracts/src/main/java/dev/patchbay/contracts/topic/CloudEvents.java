package dev.patchbay.contracts.topic;

import dev.patchbay.contracts.connection.ConnectionCreated;
import dev.patchbay.contracts.connection.ConnectionDeleted;
import dev.patchbay.contracts.connection.ConnectionExpired;
import dev.patchbay.contracts.connection.ConnectionHealthChanged;
import dev.patchbay.contracts.connection.ConnectionRevoked;
import dev.patchbay.contracts.connection.ConnectionRotated;
import dev.patchbay.contracts.connection.ConnectionUpdated;
import dev.patchbay.contracts.connection.WebhookSecretSet;
import dev.patchbay.contracts.connection.WebhookTokenMinted;
import dev.patchbay.contracts.connection.WebhookTokenRevoked;
import dev.patchbay.contracts.connector.ConnectorTypeRegistered;
import dev.patchbay.contracts.probe.ProbeCompleted;
import dev.patchbay.contracts.probe.ProbeRequested;
import dev.patchbay.contracts.proxy.ProxyCallCompleted;
import dev.patchbay.contracts.refresh.RefreshCompleted;
import dev.patchbay.contracts.refresh.RefreshRequested;
import dev.patchbay.contracts.webhook.WebhookReceived;

import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * CloudEvents 1.0 in Kafka binary mode: the attributes travel as record headers, the event as the JSON body.
 * {@code ce_type} is a logical, versioned name, never a Java class name.
 */
public final class CloudEvents {

    public static final String SPEC_VERSION = "1.0";

    public static final String ID = "ce_id";
    public static final String SOURCE = "ce_source";
    public static final String TYPE = "ce_type";
    public static final String SPECVERSION = "ce_specversion";
    public static final String TIME = "ce_time";
    public static final String SUBJECT = "ce_subject";
    public static final String TENANT_ID = "ce_tenantid";
    public static final String SEQUENCE = "ce_sequence";
    public static final String CONTENT_TYPE = "content-type";

    private static final Map<Class<?>, String> TYPES = Map.ofEntries(
            Map.entry(ConnectionCreated.class, "dev.patchbay.connection.created.v1"),
            Map.entry(ConnectionUpdated.class, "dev.patchbay.connection.updated.v1"),
            Map.entry(ConnectionRotated.class, "dev.patchbay.connection.rotated.v1"),
            Map.entry(ConnectionRevoked.class, "dev.patchbay.connection.revoked.v1"),
            Map.entry(WebhookSecretSet.class, "dev.patchbay.connection.webhook-secret-set.v1"),
            Map.entry(WebhookTokenMinted.class, "dev.patchbay.connection.webhook-token-minted.v1"),
            Map.entry(WebhookTokenRevoked.class, "dev.patchbay.connection.webhook-token-revoked.v1"),
            Map.entry(ConnectionHealthChanged.class, "dev.patchbay.connection.health-changed.v1"),
            Map.entry(ConnectionExpired.class, "dev.patchbay.connection.expired.v1"),
            Map.entry(ConnectionDeleted.class, "dev.patchbay.connection.deleted.v1"),
            Map.entry(ConnectorTypeRegistered.class, "dev.patchbay.connector-type.registered.v1"),
            Map.entry(ProbeRequested.class, "dev.patchbay.probe.requested.v1"),
            Map.entry(ProbeCompleted.class, "dev.patchbay.probe.completed.v1"),
            Map.entry(WebhookReceived.class, "dev.patchbay.webhook.received.v1"),
            Map.entry(ProxyCallCompleted.class, "dev.patchbay.proxy.call-completed.v1"),
            Map.entry(RefreshRequested.class, "dev.patchbay.refresh.requested.v1"),
            Map.entry(RefreshCompleted.class, "dev.patchbay.refresh.completed.v1"));

    private static final Map<String, Class<?>> CLASSES =
            TYPES.entrySet().stream().collect(Collectors.toUnmodifiableMap(Map.Entry::getValue, Map.Entry::getKey));

    /**
     * The W3C trace context of the work that produced a record (the HTTP request, through the relay), when there
     * was one: an optional header beside the CloudEvents attributes, which Kafka clients with tracing continue.
     */
    public static final String TRACEPARENT = "traceparent";

    /** Every registered {@code ce_type} and its event class. */
    public static Map<String, Class<?>> types() {
        return CLASSES;
    }

    /** The {@code ce_type} of an event class. */
    public static String typeOf(Class<?> eventClass) {
        var type = TYPES.get(eventClass);
        if (type == null) {
            throw new IllegalArgumentException("no CloudEvents type is registered for " + eventClass.getSimpleName());
        }
        return type;
    }

    /** The event class of a {@code ce_type}, or empty for a type this build does not know (a newer producer's). */
    public static Optional<Class<?>> classOf(String type) {
        return Optional.ofNullable(type).map(CLASSES::get);
    }

    private CloudEvents() {}
}
