package dev.patchbay.contracts.topic;

import dev.patchbay.contracts.connection.ConnectionEvent;
import dev.patchbay.contracts.connector.ConnectorTypeRegistered;

import java.util.List;

/** The registry of topics. Names are part of the contract: never derived from Java class names. */
public final class Topics {

    /** Every change of every connection, keyed by connection id; kept for ever: the audit log. */
    public static final Topic<String, ConnectionEvent> CONNECTION_EVENTS =
            new Topic<>("patchbay.connections.v1", String.class, ConnectionEvent.class, 6, false);

    /** The connector types that probe workers can check, keyed by vendor. */
    public static final Topic<String, ConnectorTypeRegistered> CONNECTOR_TYPES =
            new Topic<>("patchbay.connector-types.v1", String.class, ConnectorTypeRegistered.class, 1, true);

    public static final List<Topic<?, ?>> ALL = List.of(CONNECTION_EVENTS, CONNECTOR_TYPES);

    private Topics() {
    }
}
