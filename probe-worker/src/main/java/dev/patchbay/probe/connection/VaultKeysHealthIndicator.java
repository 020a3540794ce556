package dev.patchbay.probe.connection;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * {@code vaultKeys}: UP when the worker's keys were compared with the vault's and match; UNKNOWN while the vault has
 * recorded nothing to compare with (a fresh install, before command-service first starts: the worker can do no harm
 * and must not hold up the start order); DOWN when the vault cannot be read, or the keys do not match.
 */
@Component
final class VaultKeysHealthIndicator implements HealthIndicator {

    private final VaultKeyCheck keys;

    VaultKeysHealthIndicator(VaultKeyCheck keys) {
        this.keys = keys;
    }

    @Override
    public Health health() {
        keys.usable();
        var state = keys.state();
        if (state instanceof VaultKeyCheck.State.Matched matched) {
            return Health.up().withDetail("keys", matched.keys().keySet()).build();
        }
        if (state instanceof VaultKeyCheck.State.NothingRecorded nothing) {
            return Health.unknown().withDetail("reason", nothing.reason()).build();
        }
        if (state instanceof VaultKeyCheck.State.Unavailable unavailable) {
            return Health.down().withDetail("reason", unavailable.reason()).build();
        }
        return Health.down()
                .withDetail("reason", ((VaultKeyCheck.State.Mismatch) state).message())
                .build();
    }
}
