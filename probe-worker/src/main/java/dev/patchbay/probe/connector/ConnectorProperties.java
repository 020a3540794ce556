package dev.patchbay.probe.connector;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * An operator's settings of the connector types.
 *
 * @param hosts by vendor, the only hosts its connections' {@code base_url} may name, in place of the type's own
 *     (Pluggy's and Belvo's API hosts): a regional host, or a stand-in vendor in a test. A tenant cannot change
 *     them.
 */
@ConfigurationProperties("patchbay.connectors")
record ConnectorProperties(Map<String, List<String>> hosts) {

    ConnectorProperties {
        hosts = hosts == null
                ? Map.of()
                : hosts.entrySet().stream()
                        .collect(Collectors.toUnmodifiableMap(
                                Map.Entry::getKey,
                                entry -> entry.getValue().stream()
                                        .map(String::trim)
                                        .filter(host -> !host.isEmpty())
                                        .map(host -> host.toLowerCase(Locale.ROOT))
                                        .toList()));
    }

    /** The hosts a type's connections may name: the operator's, else the type's own; empty for any. */
    List<String> hostsOf(ConnectorType type) {
        return hosts.getOrDefault(type.vendor(), type.ownHosts());
    }
}
