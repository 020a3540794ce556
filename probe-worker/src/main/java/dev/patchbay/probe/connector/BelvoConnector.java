package dev.patchbay.probe.connector;

import org.springframework.stereotype.Component;

import java.util.List;

/** Belvo, the open-finance aggregator: an API key pair; connections receive link webhooks. */
@Component
final class BelvoConnector implements Connector {

    static final ConnectorType TYPE = new ConnectorType("belvo", Category.REST, "Belvo", List.of(),
            List.of("client_id", "secret"), true);

    @Override
    public ConnectorType type() {
        return TYPE;
    }
}
