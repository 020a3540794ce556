package dev.patchbay.platform.security;

import org.springframework.security.config.web.server.ServerHttpSecurity;

/**
 * A service's own exceptions to the API's rules (reads need {@code viewer}, every other {@code /v1} call
 * {@code editor}): a route that takes no token, or a stricter role. Each service declares its own as a bean; the
 * shared security applies them after the public and operator paths and before the general rules.
 */
@FunctionalInterface
public interface ServiceRoutes {

    void authorize(ServerHttpSecurity.AuthorizeExchangeSpec routes);
}
