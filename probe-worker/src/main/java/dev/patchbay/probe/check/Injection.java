package dev.patchbay.probe.check;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A credential as one call carries it.
 *
 * @param headers the headers that carry it (set over whatever the caller sent under those names)
 * @param secrets every value the vendor must never send back: each field of the credential and any key derived from
 *     it. Kept only for the call
 */
public record Injection(Map<String, String> headers, List<String> secrets) {

    public Injection {
        headers = Map.copyOf(headers);
        secrets = secrets.stream().filter(secret -> !secret.isEmpty()).toList();
    }

    /** The secrets as the bytes a body would hold them in. */
    public List<byte[]> secretBytes() {
        return secrets.stream()
                .map(secret -> secret.getBytes(StandardCharsets.UTF_8))
                .toList();
    }

    @Override
    public String toString() {
        return "Injection" + headers.keySet() + "(values redacted)";
    }
}
