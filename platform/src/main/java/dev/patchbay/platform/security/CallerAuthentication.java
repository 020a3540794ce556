package dev.patchbay.platform.security;

import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

import java.util.stream.Collectors;

/** A verified token whose principal is the {@link Caller}, so controllers take {@code @AuthenticationPrincipal Caller}. */
final class CallerAuthentication extends JwtAuthenticationToken {

    private final Caller caller;

    CallerAuthentication(Jwt jwt, Caller caller) {
        super(
                jwt,
                caller.roles().stream()
                        .map(r -> new SimpleGrantedAuthority(r.authority()))
                        .collect(Collectors.toUnmodifiableSet()),
                caller.subject());
        this.caller = caller;
    }

    @Override
    public Object getPrincipal() {
        return caller;
    }
}
