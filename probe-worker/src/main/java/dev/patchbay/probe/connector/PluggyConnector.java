package dev.patchbay.probe.connector;

import org.springframework.stereotype.Component;

import java.util.List;

/** Pluggy, the open-finance aggregator: an API key pair; connections receive item webhooks. */
@Component
final class PluggyConnector implements Connector {

    static final ConnectorType TYPE = new ConnectorType("pluggy", Category.REST, "Pluggy", List.of(),
            List.of("client_id", "secret"), true);

    @Override
    public ConnectorType type() {
        return TYPE;
    }
}
