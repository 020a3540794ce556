package dev.patchbay.command.webhook;

import dev.patchbay.platform.security.ServiceRoutes;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.web.server.ServerHttpSecurity.AuthorizeExchangeSpec;
import org.springframework.stereotype.Component;

/**
 * The webhook receiver takes no bearer token: the token in its path is the credential ({@link WebhookReceiver}).
 * Minting stays an editor's.
 */
@Component
class WebhookRoutes implements ServiceRoutes {

    @Override
    public void authorize(AuthorizeExchangeSpec routes) {
        routes.pathMatchers(HttpMethod.POST, "/v1/webhooks/tokens")
                .hasRole("editor")
                .pathMatchers(HttpMethod.POST, "/v1/webhooks/*/*")
                .permitAll();
    }
}
