package dev.patchbay.probe.connector;

import dev.patchbay.probe.check.Check;
import dev.patchbay.probe.check.Checks;
import org.springframework.stereotype.Component;

import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The connectors this worker has, by vendor: what it registers at boot, and where a probe finds the check for its
 * vendor. Built once from the connector beans and never changed afterwards.
 */
@Component
final class ConnectorCatalog implements Checks {

    private final Map<String, Connector> byVendor;
    private final List<ConnectorType> types;

    ConnectorCatalog(Collection<? extends Connector> connectors) {
        var map = new LinkedHashMap<String, Connector>();
        connectors.stream().sorted(Comparator.comparing(connector -> connector.type().vendor())).forEach(connector -> {
            var previous = map.putIfAbsent(connector.type().vendor(), connector);
            if (previous != null) {
                throw new IllegalStateException("two connectors claim the vendor " + connector.type().vendor() + ": "
                        + previous.getClass().getSimpleName() + " and " + connector.getClass().getSimpleName());
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

    Optional<Connector> find(String vendor) {
        return Optional.ofNullable(byVendor.get(vendor));
    }

    @Override
    public Optional<Check> forVendor(String vendor) {
        return vendor == null ? Optional.empty() : Optional.ofNullable(byVendor.get(vendor));
    }
}
