package dev.patchbay.probe.check;

import dev.patchbay.contracts.connection.ConnectionId;

import java.util.Map;

/**
 * The non-secret descriptor of the connection to check, as the probe request carries it.
 *
 * @param baseUrl the connection's base URL (rest vendors), or null
 * @param config its type-specific, non-secret fields
 */
public record ProbeTarget(ConnectionId connectionId, String vendor, String baseUrl, Map<String, Object> config) {

    public ProbeTarget {
        config = config == null ? Map.of() : Map.copyOf(config);
    }

    /** A config field as text; {@code fallback} when absent or blank. */
    public String text(String field, String fallback) {
        var value = config.get(field);
        if (value == null || value.toString().isBlank()) {
            return fallback;
        }
        return value.toString().trim();
    }

    /** A config field that must be there. */
    public String requiredText(String field) {
        var value = text(field, null);
        if (value == null) {
            throw new CheckFailed(Failure.UNUSABLE_CONFIG);
        }
        return value;
    }

    /** A TCP port from the config (a number or its digits). */
    public int port(String field) {
        var value = config.get(field);
        int port;
        if (value instanceof Number number && number.doubleValue() == number.intValue()) {
            port = number.intValue();
        } else if (value instanceof String digits && digits.trim().matches("[0-9]{1,5}")) {
            port = Integer.parseInt(digits.trim());
        } else {
            throw new CheckFailed(Failure.UNUSABLE_CONFIG);
        }
        if (port < 1 || port > 65535) {
            throw new CheckFailed(Failure.UNUSABLE_CONFIG);
        }
        return port;
    }

    /** The base URL, which rest vendors need. */
    public String requiredBaseUrl() {
        if (baseUrl == null || baseUrl.isBlank()) {
            throw new CheckFailed(Failure.UNUSABLE_CONFIG);
        }
        return baseUrl.trim();
    }
}
