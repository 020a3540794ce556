package dev.patchbay.vault;

import com.amazonaws.encryptionsdk.AwsCrypto;
import com.amazonaws.encryptionsdk.CommitmentPolicy;
import com.amazonaws.encryptionsdk.CryptoAlgorithm;
import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.TenantId;
import software.amazon.cryptography.materialproviders.IKeyring;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;

/**
 * Seals credentials with the AWS Encryption SDK and opens them again. The algorithm suite commits to its key but
 * does not sign: only a holder of the wrapping key can seal, so a signature would buy nothing and cost ~40x.
 */
public final class Vault {

    private final AwsCrypto crypto = AwsCrypto.builder()
            .withCommitmentPolicy(CommitmentPolicy.RequireEncryptRequireDecrypt)
            .withEncryptionAlgorithm(CryptoAlgorithm.ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY)
            .build();
    private final IKeyring sealing;
    private final IKeyring opening;
    private final SecretKeySpec fingerprintKey;
    private final String keyName;
    private final Map<String, String> checkValues;

    /**
     * @param sealing the keyring of the current wrapping key, which seals
     * @param opening the current keyring and the previous ones, which open
     * @param checkValues the key check value of each local key by name (none for KMS keys, named by their ARN)
     */
    public Vault(
            IKeyring sealing,
            IKeyring opening,
            String keyName,
            byte[] fingerprintKey,
            Map<String, String> checkValues) {
        this.sealing = sealing;
        this.opening = opening;
        this.keyName = keyName;
        this.fingerprintKey = new SecretKeySpec(fingerprintKey, "HmacSHA256");
        this.checkValues = Map.copyOf(checkValues);
    }

    public Vault(IKeyring keyring, String keyName, byte[] fingerprintKey) {
        this(keyring, keyring, keyName, fingerprintKey, Map.of());
    }

    /** The sealed form of a credential, bound to its context. The plaintext copy made here is wiped. */
    public byte[] seal(Credential credential, SealingContext context) {
        byte[] plaintext = credential.toPlaintext();
        try {
            return crypto.encryptData(sealing, plaintext, context.asEncryptionContext())
                    .getResult();
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    /**
     * Opens a sealed credential; the caller closes it as soon as it is used.
     *
     * @throws SealedCredentialUnreadable when the blob was not sealed for this context or by a known key
     */
    public Credential open(byte[] sealed, SealingContext context) {
        byte[] plaintext;
        var expected = context.asEncryptionContext();
        try {
            var result = crypto.decryptData(opening, sealed, expected);
            plaintext = result.getResult();
            // The SDK checks only that the context given here is part of the message's: a blob sealed for a
            // destination would open for a context that leaves the destination out. The whole context must match.
            if (!withoutReservedKeys(result.getEncryptionContext()).equals(expected)) {
                Arrays.fill(plaintext, (byte) 0);
                throw new SealedCredentialUnreadable(context);
            }
        } catch (SealedCredentialUnreadable e) {
            throw e;
        } catch (RuntimeException e) {
            // The SDK's messages name no secret, but the cause is kept out of the exception on purpose anyway.
            throw new SealedCredentialUnreadable(context);
        }
        try {
            return Credential.fromPlaintext(plaintext);
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    /** The message's context less the keys the SDK itself reserves (none with this suite, but never ours). */
    private static Map<String, String> withoutReservedKeys(Map<String, String> context) {
        var ours = new HashMap<>(context);
        ours.keySet().removeIf(key -> key.startsWith("aws-crypto-"));
        return ours;
    }

    /**
     * A keyed HMAC of the credential: equal credentials have equal fingerprints, and without the fingerprint key
     * nothing can be learnt or guessed from one.
     */
    public String fingerprint(Credential credential) {
        try {
            var mac = Mac.getInstance("HmacSHA256");
            mac.init(fingerprintKey);
            credential.rawValues().forEach((name, value) -> {
                mac.update(ByteBuffer.allocate(4).putInt(name.length()).array());
                mac.update(name.getBytes(StandardCharsets.UTF_8));
                mac.update(ByteBuffer.allocate(4).putInt(value.length).array());
                mac.update(value);
            });
            return "fp_" + HexFormat.of().formatHex(mac.doFinal(), 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }

    /** The name of the wrapping key that seals new credentials. */
    public String keyName() {
        return keyName;
    }

    /**
     * The check value of each configured local key, by name: a keyed hash that tells whether the key now configured
     * under a name is the one that sealed the rows recorded under that name, without revealing the key.
     */
    public Map<String, String> keyCheckValues() {
        return checkValues;
    }

    static String checkValue(byte[] key) {
        try {
            var mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return HexFormat.of()
                    .formatHex(mac.doFinal("patchbay vault key check value".getBytes(StandardCharsets.US_ASCII)), 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }

    /** Seals and opens a throw-away secret, so that a keyring that cannot work stops the service at start. */
    void selfTest() {
        var context = new SealingContext(
                TenantId.of("patchbay-self-test"), new ConnectionId(UUID.randomUUID()), 1, "self-test");
        try (var probe = Credential.of(Map.of("check", "self-test"))) {
            byte[] sealed;
            try {
                sealed = seal(probe, context);
            } catch (RuntimeException e) {
                throw new IllegalStateException(
                        "the vault's keyring (" + keyName + ") cannot seal: "
                                + e.getClass().getSimpleName(),
                        e);
            }
            try (var opened = open(sealed, context)) {
                if (!opened.value("check").equals("self-test")) {
                    throw new IllegalStateException("the vault's keyring (" + keyName + ") does not round-trip");
                }
            }
        }
    }
}
