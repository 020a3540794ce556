package dev.patchbay.probe.check;

import java.util.Locale;

/**
 * How a database or Kafka check protects the credential in transit: the connection's {@code tls_mode} config field.
 * The default is verified TLS; sending a password over a connection without TLS, where anyone on the path can read
 * it and a downgrade cannot be noticed, must be chosen explicitly and stays visible in the connection's config.
 */
public enum TlsMode {

    /** TLS, with the server's certificate checked against the JVM's trusted roots and the connection's host name. */
    VERIFY_FULL("verify-full"),
    /** No TLS at all: for a server that has none. The password may travel unencrypted. */
    DISABLE("disable");

    /** The config field. Not secret, so not screened as one (command-service's secret-key screen passes it). */
    public static final String FIELD = "tls_mode";

    private final String value;

    TlsMode(String value) {
        this.value = value;
    }

    /** The connection's mode; verify-full when the field is absent, and unusable config when it is unknown. */
    public static TlsMode of(ProbeTarget target) {
        var text = target.text(FIELD, VERIFY_FULL.value).toLowerCase(Locale.ROOT);
        for (var mode : values()) {
            if (mode.value.equals(text)) {
                return mode;
            }
        }
        throw new CheckFailed(Failure.UNUSABLE_CONFIG);
    }

    /** The config value: {@code verify-full} or {@code disable}. */
    public String value() {
        return value;
    }
}
