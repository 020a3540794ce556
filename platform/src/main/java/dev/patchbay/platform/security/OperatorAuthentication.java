package dev.patchbay.platform.security;

import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

import java.util.List;

/** A verified operator token whose principal is the {@link Operator}, so controllers take it as principal. */
final class OperatorAuthentication extends JwtAuthenticationToken {

    static final String ROLE = "operator";

    private final Operator operator;

    OperatorAuthentication(Jwt jwt) {
        super(jwt, List.of(new SimpleGrantedAuthority("ROLE_" + ROLE)), jwt.getSubject());
        this.operator = new Operator(jwt.getSubject() == null ? "operator" : jwt.getSubject());
    }

    @Override
    public Object getPrincipal() {
        return operator;
    }
}
