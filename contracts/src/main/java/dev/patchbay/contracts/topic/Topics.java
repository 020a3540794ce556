package dev.patchbay.contracts.topic;

import dev.patchbay.contracts.connection.ConnectionEvent;
import dev.patchbay.contracts.connector.ConnectorTypeRegistered;
import dev.patchbay.contracts.probe.ProbeCompleted;
import dev.patchbay.contracts.probe.ProbeRequested;
import dev.patchbay.contracts.proxy.ProxyCallCompleted;
import dev.patchbay.contracts.refresh.RefreshCompleted;
import dev.patchbay.contracts.refresh.RefreshRequested;
import dev.patchbay.contracts.webhook.WebhookReceived;

import java.time.Duration;
import java.util.List;

/** The registry of topics. Names are part of the contract: never derived from Java class names. */
public final class Topics {

    /** Every change of every connection, keyed by connection id; kept for ever: the audit log. */
    public static final Topic<String, ConnectionEvent> CONNECTION_EVENTS =
            new Topic<>("patchbay.connections.v1", String.class, ConnectionEvent.class, 6, false, Topic.FOREVER);

    /** The connector types that probe workers can check, keyed by vendor. */
    public static final Topic<String, ConnectorTypeRegistered> CONNECTOR_TYPES = new Topic<>(
            "patchbay.connector-types.v1", String.class, ConnectorTypeRegistered.class, 1, true, Topic.FOREVER);

    /** Live test requests, keyed by connection id. */
    public static final Topic<String, ProbeRequested> PROBE_REQUESTS =
            new Topic<>("patchbay.probe-requests.v1", String.class, ProbeRequested.class, 6, false, Duration.ofDays(1));

    /** Live test results, keyed by connection id. */
    public static final Topic<String, ProbeCompleted> PROBE_RESULTS =
            new Topic<>("patchbay.probe-results.v1", String.class, ProbeCompleted.class, 6, false, Duration.ofDays(7));

    /** Accepted vendor webhook deliveries, keyed by connection id. */
    public static final Topic<String, WebhookReceived> WEBHOOKS =
            new Topic<>("patchbay.webhooks.v1", String.class, WebhookReceived.class, 6, false, Duration.ofDays(7));

    /** Every call through the proxy, keyed by connection id: the audit of who used which credential when. */
    public static final Topic<String, ProxyCallCompleted> PROXY_CALLS = new Topic<>(
            "patchbay.proxy-calls.v1", String.class, ProxyCallCompleted.class, 6, false, Duration.ofDays(400));

    /** OAuth2 refreshes due, keyed by connection id: command-service's scheduler asks, a refresher renews. */
    public static final Topic<String, RefreshRequested> REFRESH_REQUESTS = new Topic<>(
            "patchbay.refresh-requests.v1", String.class, RefreshRequested.class, 6, false, Duration.ofDays(1));

    /** What each refresh came to, keyed by connection id: command-service records it on the connection. */
    public static final Topic<String, RefreshCompleted> REFRESH_RESULTS = new Topic<>(
            "patchbay.refresh-results.v1", String.class, RefreshCompleted.class, 6, false, Duration.ofDays(7));

    public static final List<Topic<?, ?>> ALL = List.of(
            CONNECTION_EVENTS,
            CONNECTOR_TYPES,
            PROBE_REQUESTS,
            PROBE_RESULTS,
            WEBHOOKS,
            PROXY_CALLS,
            REFRESH_REQUESTS,
            REFRESH_RESULTS);

    private Topics() {}
}
