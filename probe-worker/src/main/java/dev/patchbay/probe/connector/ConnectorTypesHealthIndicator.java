package dev.patchbay.probe.connector;

import dev.patchbay.platform.json.PatchbayJson;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * {@code connectorTypes}: UP once the broker has acknowledged the registration of every connector type, DOWN before.
 * A worker whose types nobody can see must not pass for healthy: command-service would refuse its vendors.
 */
@Component
final class ConnectorTypesHealthIndicator implements HealthIndicator {

    private final ConnectorTypeRegistrar registrar;

    ConnectorTypesHealthIndicator(ConnectorTypeRegistrar registrar) {
        this.registrar = registrar;
    }

    @Override
    public Health health() {
        var state = registrar.state();
        if (state instanceof RegistrationState.Registered registered) {
            return Health.up()
                    .withDetail("vendors", registered.vendors())
                    .withDetail("registered_at", PatchbayJson.format(registered.at()))
                    .withDetail("attempts", registered.attempts())
                    .build();
        }
        var pending = (RegistrationState.Pending) state;
        var health = Health.down().withDetail("failed_attempts", pending.failedAttempts());
        if (pending.lastError() != null) {
            health.withDetail("last_error", pending.lastError());
        }
        return health.build();
    }
}
