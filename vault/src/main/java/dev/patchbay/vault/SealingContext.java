package dev.patchbay.vault;

import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.TenantId;

import java.util.Map;

/**
 * What a sealed credential is bound to. It is the AWS Encryption SDK's encryption context, authenticated with the
 * ciphertext: a sealed blob moved to another row, version, purpose or tenant does not open.
 *
 * @param purpose what the secret is for: {@code credential} or {@code webhook-secret}
 */
public record SealingContext(TenantId tenant, ConnectionId connectionId, int version, String purpose) {

    public static final String CREDENTIAL = "credential";
    public static final String WEBHOOK_SECRET = "webhook-secret";

    Map<String, String> asEncryptionContext() {
        return Map.of("tenant_id", tenant.value(), "connection_id", connectionId.toString(), "credential_version",
                Integer.toString(version), "purpose", purpose);
    }
}
