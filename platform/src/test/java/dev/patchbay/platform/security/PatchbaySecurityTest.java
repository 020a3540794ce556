package dev.patchbay.platform.security;

import dev.patchbay.platform.test.TestTokens;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.FileSystemResource;

import static org.assertj.core.api.Assertions.assertThat;

class PatchbaySecurityTest {

    private final TestTokens tokens = new TestTokens();
    private final JwtProperties properties = new JwtProperties(null, new FileSystemResource(tokens.publicKeyPem()),
            TestTokens.ISSUER, TestTokens.AUDIENCE, "tenant_id", "roles");

    @Test
    void aTokenFromTheTrustedKeyNamesTheCallerWithTheRolesItIncludes() {
        var jwt = new PatchbaySecurity().jwtDecoder(properties).decode(tokens.token("t1", "editor")).block();
        var caller = PatchbaySecurity.caller(jwt, properties);

        assertThat(caller.tenant().value()).isEqualTo("t1");
        assertThat(caller.subject()).isEqualTo("user-t1");
        assertThat(caller.roles()).containsExactlyInAnyOrder(Role.VIEWER, Role.EDITOR);
    }
}
