package dev.patchbay.probe.connector;

import org.apache.kafka.common.security.ssl.DefaultSslEngineFactory;

import javax.net.ssl.SSLEngine;
import java.util.HashMap;
import java.util.Map;

/**
 * Kafka's own TLS engine factory, except that a connection to a checked IP address presents and verifies the host
 * name the address was checked for (SNI and certificate), not the IP literal the client dials. Kafka instantiates it
 * by name ({@code ssl.engine.factory.class}), hence public.
 */
public final class KafkaSslEngineFactory extends DefaultSslEngineFactory {

    /** {@code ip=host,ip=host}: which name each dialled address stands for. */
    static final String PEER_HOSTS = "patchbay.probe.peer-hosts";

    private final Map<String, String> hosts = new HashMap<>();

    @Override
    public void configure(Map<String, ?> configs) {
        super.configure(configs);
        var value = configs.get(PEER_HOSTS);
        if (value != null) {
            for (var pair : value.toString().split(",")) {
                int equals = pair.indexOf('=');
                if (equals > 0) {
                    hosts.put(pair.substring(0, equals), pair.substring(equals + 1));
                }
            }
        }
    }

    @Override
    public SSLEngine createClientSslEngine(String peerHost, int peerPort, String endpointIdentification) {
        return super.createClientSslEngine(hosts.getOrDefault(peerHost, peerHost), peerPort, endpointIdentification);
    }
}
