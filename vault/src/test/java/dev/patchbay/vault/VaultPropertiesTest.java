package dev.patchbay.vault;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class VaultPropertiesTest {

    private static final String KEY = "q2VqT0Jx2mK9yZ8t6b4vW1nR3cE5fH7jL0pS2uX4aYo=";
    private static final String FINGERPRINT_KEY = "Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmE=";
    private static final String PREVIOUS_KEY = "cHJldmlvdXMta2V5LXByZXZpb3VzLWtleS1wcmV2aW8=";

    @Test
    void toStringNamesTheSettingsButNeverPrintsAKey() {
        var properties = new VaultProperties(
                VaultProperties.Keyring.LOCAL,
                KEY,
                Path.of("/keys/vault.key"),
                "local-2",
                List.of(new VaultProperties.PreviousKey("local-1", PREVIOUS_KEY, null)),
                FINGERPRINT_KEY,
                null,
                new VaultProperties.Kms(
                        "arn:aws:kms:eu-west-1:1:key/k", "eu-west-1", URI.create("http://kms"), List.of()));

        var text = properties.toString();

        assertThat(text)
                .doesNotContain(KEY, FINGERPRINT_KEY, PREVIOUS_KEY)
                .contains("local-2", "local-1", "/keys/vault.key", "arn:aws:kms:eu-west-1:1:key/k");
        assertThat(properties.previousKeys().get(0).toString())
                .doesNotContain(PREVIOUS_KEY)
                .contains("local-1");
    }
}
