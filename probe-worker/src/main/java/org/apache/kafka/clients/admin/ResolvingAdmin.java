package org.apache.kafka.clients.admin;

import org.apache.kafka.clients.HostResolver;

import java.util.Map;

/**
 * An admin client whose every connection, to a bootstrap server or to a broker the cluster advertises, takes its
 * addresses from a given {@link HostResolver}. The Kafka check hands in one that runs the SSRF guard, so that no
 * socket opens to an address the guard has not passed.
 *
 * <p>Kafka exposes that resolver only through {@code KafkaAdminClient.createInternal}, which is package-private;
 * hence this class in Kafka's package (the probe worker runs on the class path, where a split package is allowed).
 * It is what {@link Admin#create(Map)} does, with the resolver instead of {@code null}, and, unlike reflection, a
 * change of that signature in a Kafka upgrade fails the build instead of the first check.
 */
public final class ResolvingAdmin {

    private ResolvingAdmin() {}

    public static Admin create(Map<String, Object> config, HostResolver resolver) {
        return KafkaAdminClient.createInternal(new AdminClientConfig(config, true), null, resolver);
    }
}
