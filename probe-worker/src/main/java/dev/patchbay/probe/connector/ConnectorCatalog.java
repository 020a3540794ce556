package dev.patchbay.probe.connector;

import dev.patchbay.contracts.connector.ConnectorTypeRegistered;
import dev.patchbay.probe.check.Check;
import dev.patchbay.probe.check.Checks;
import dev.patchbay.probe.check.CredentialInjector;
import dev.patchbay.probe.check.Outcome;
import dev.patchbay.probe.check.ProbeTarget;
import dev.patchbay.vault.Credential;
import dev.patchbay.vault.Destination;
import org.springframework.stereotype.Component;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The connectors this worker has, by vendor: what it registers at boot, and where a probe finds the check for its
 * vendor, with the hosts an operator allows that vendor. Built once from the connector beans and never changed
 * afterwards.
 */
@Component
final class ConnectorCatalog implements Checks {

    private final Map<String, Connector> byVendor;
    private final List<ConnectorType> types;
    private final ConnectorProperties properties;

    ConnectorCatalog(Collection<? extends Connector> connectors, ConnectorProperties properties) {
        this.properties = properties;
        var map = new LinkedHashMap<String, Connector>();
        connectors.stream()
                .sorted(Comparator.comparing(connector -> connector.type().vendor()))
                .forEach(connector -> {
                    var previous = map.putIfAbsent(connector.type().vendor(), connector);
                    if (previous != null) {
                        throw new IllegalStateException("two connectors claim the vendor "
                                + connector.type().vendor() + ": "
                                + previous.getClass().getSimpleName() + " and "
                                + connector.getClass().getSimpleName());
                    }
                });
        if (map.isEmpty()) {
            throw new IllegalStateException("a probe worker without connectors has nothing to register");
        }
        byVendor = Map.copyOf(map);
        types = map.values().stream().map(Connector::type).toList();
    }

    /** Every type, ordered by vendor. */
    List<ConnectorType> types() {
        return types;
    }

    /** A type's registration, with the hosts this worker allows it. */
    ConnectorTypeRegistered registered(ConnectorType type, Instant at) {
        return type.registered(at, properties.hostsOf(type));
    }

    Optional<Connector> find(String vendor) {
        return Optional.ofNullable(byVendor.get(vendor));
    }

    @Override
    public Optional<Check> forVendor(String vendor) {
        return vendor == null
                ? Optional.empty()
                : Optional.ofNullable(byVendor.get(vendor))
                        .map(connector -> new HostBound(connector, properties.hostsOf(connector.type())));
    }

    /** A connector's check that also knows the only hosts its connections may name. */
    private record HostBound(Connector connector, List<String> hosts) implements Check {

        @Override
        public Outcome check(ProbeTarget target, Credential credential) {
            return connector.check(target, credential);
        }

        @Override
        public Outcome run(ProbeTarget target, Credential credential) {
            return connector.run(target, credential);
        }

        @Override
        public Destination destination(ProbeTarget target) {
            return connector.destination(target);
        }

        @Override
        public Optional<CredentialInjector> injector() {
            return connector.injector();
        }

        @Override
        public boolean allows(ProbeTarget target) {
            if (hosts.isEmpty()) {
                return true;
            }
            if (target.baseUrl() == null) {
                return false;
            }
            try {
                var host = new URI(target.baseUrl().trim()).getHost();
                return host != null && hosts.contains(host.toLowerCase(Locale.ROOT));
            } catch (URISyntaxException e) {
                return false;
            }
        }
    }
}
