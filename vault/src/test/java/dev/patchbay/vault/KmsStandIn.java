package dev.patchbay.vault;

import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Stands in for AWS KMS, which cannot be reached from here: a local HTTP server speaking the KMS JSON 1.1 protocol
 * (X-Amz-Target TrentService.GenerateDataKey, Encrypt and Decrypt) as the AWS SDK calls it. Like KMS, a data key
 * sealed under one key id with one encryption context opens only under the same two; unlike KMS, it keeps its data
 * keys in memory and does not check request signatures.
 */
final class KmsStandIn implements AutoCloseable {

    record Call(String operation, String keyId, Map<String, Object> encryptionContext) {}

    private record Sealed(String keyId, Object context, byte[] plaintext) {}

    private final HttpServer server;
    private final JsonMapper json = JsonMapper.builder().build();
    private final Map<String, Sealed> blobs = new ConcurrentHashMap<>();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final SecureRandom random = new SecureRandom();

    KmsStandIn() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            var target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            @SuppressWarnings("unchecked")
            Map<String, Object> request =
                    json.readValue(exchange.getRequestBody().readAllBytes(), Map.class);
            Map<String, Object> answer;
            int status = 200;
            try {
                answer = switch (target == null ? "" : target) {
                    case "TrentService.GenerateDataKey" -> generateDataKey(request);
                    case "TrentService.Encrypt" -> encrypt(request);
                    case "TrentService.Decrypt" -> decrypt(request);
                    default -> throw new IllegalArgumentException("UnsupportedOperationException");
                };
            } catch (IllegalArgumentException refused) {
                status = 400;
                answer = Map.of("__type", refused.getMessage(), "message", "refused by the stand-in");
            }
            byte[] body = json.writeValueAsBytes(answer);
            exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    List<Call> calls() {
        return calls;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> generateDataKey(Map<String, Object> request) {
        var keyId = (String) request.get("KeyId");
        calls.add(new Call("GenerateDataKey", keyId, (Map<String, Object>) request.get("EncryptionContext")));
        var plaintext = new byte[((Number) request.getOrDefault("NumberOfBytes", 32)).intValue()];
        random.nextBytes(plaintext);
        return Map.of(
                "KeyId",
                keyId,
                "Plaintext",
                Base64.getEncoder().encodeToString(plaintext),
                "CiphertextBlob",
                seal(keyId, request.get("EncryptionContext"), plaintext));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> encrypt(Map<String, Object> request) {
        var keyId = (String) request.get("KeyId");
        calls.add(new Call("Encrypt", keyId, (Map<String, Object>) request.get("EncryptionContext")));
        var plaintext = Base64.getDecoder().decode((String) request.get("Plaintext"));
        return Map.of("KeyId", keyId, "CiphertextBlob", seal(keyId, request.get("EncryptionContext"), plaintext));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> decrypt(Map<String, Object> request) {
        var requestedKey = (String) request.get("KeyId");
        calls.add(new Call("Decrypt", requestedKey, (Map<String, Object>) request.get("EncryptionContext")));
        var sealed = blobs.get((String) request.get("CiphertextBlob"));
        if (sealed == null
                || (requestedKey != null && !requestedKey.equals(sealed.keyId()))
                || !java.util.Objects.equals(sealed.context(), request.get("EncryptionContext"))) {
            throw new IllegalArgumentException("InvalidCiphertextException");
        }
        return Map.of(
                "KeyId",
                sealed.keyId(),
                "Plaintext",
                Base64.getEncoder().encodeToString(sealed.plaintext()),
                "EncryptionAlgorithm",
                "SYMMETRIC_DEFAULT");
    }

    private String seal(String keyId, Object context, byte[] plaintext) {
        var handle = new byte[48];
        random.nextBytes(handle);
        var blob = Base64.getEncoder().encodeToString(handle);
        blobs.put(blob, new Sealed(keyId, context, plaintext.clone()));
        return blob;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
