package dev.patchbay.command.probe;

import dev.patchbay.contracts.connection.TenantId;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Scheduled re-checks of every live connection.
 *
 * @param enabled whether this instance leases and publishes re-checks at all
 * @param period how often each connection is checked, unless its tenant has a period of its own; each next time is
 *     the period, jittered by ±10 %
 * @param tenantPeriods periods of particular tenants, by tenant id ({@code patchbay.recheck.tenant-periods.<tenant>}),
 *     for a tenant that pays for fresher health or asked for less traffic to its vendors
 * @param connectionPeriods periods of particular connections, by connection id
 *     ({@code patchbay.recheck.connection-periods.<connection id>}): a duration, or {@code off} for a connection that
 *     is not to be re-checked at all (a vendor that bills each call, a system the tenant checks itself)
 * @param rate re-checks published per second at most, by all instances together: a bound of its own, apart from the
 *     tenants' manual-test rate limit, which scheduled checks never take from
 * @param retryAfter when a leased connection is checked again if its re-check could not be sent (the rate bound was
 *     spent, or the broker did not take it), rather than a whole period later
 * @param seedInterval how often the live connections created since the last look are given a first time (at random
 *     within the period); every connection without one is, and gone ones are dropped, at start and hourly
 *     ({@link RecheckScheduler#FULL_SEED_EVERY})
 */
@Validated
@ConfigurationProperties("patchbay.recheck")
record RecheckProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("6h") Duration period,
        @DefaultValue Map<String, Duration> tenantPeriods,
        @DefaultValue Map<String, String> connectionPeriods,
        @DefaultValue("5") int rate,
        @DefaultValue("1m") Duration retryAfter,
        @DefaultValue("1m") Duration seedInterval) {

    RecheckProperties {
        tenantPeriods = Map.copyOf(tenantPeriods == null ? Map.of() : tenantPeriods);
        atLeastAMinute("patchbay.recheck.period", period);
        tenantPeriods.forEach((tenant, own) -> atLeastAMinute("patchbay.recheck.tenant-periods." + tenant, own));
        connectionPeriods = Map.copyOf(connectionPeriods == null ? Map.of() : connectionPeriods);
        connectionPeriods.forEach(RecheckProperties::connectionPeriod);
        if (rate < 1) {
            throw new IllegalArgumentException("patchbay.recheck.rate must be at least 1");
        }
        if (retryAfter.isNegative() || retryAfter.isZero()) {
            throw new IllegalArgumentException("patchbay.recheck.retry-after must be positive");
        }
    }

    /** The period of this tenant's connections. */
    Duration periodOf(TenantId tenant) {
        return tenantPeriods.getOrDefault(tenant.value(), period);
    }

    /** A connection's own period, or empty when its re-checks are off. */
    static Optional<Duration> connectionPeriod(String connection, String value) {
        var name = "patchbay.recheck.connection-periods." + connection;
        try {
            UUID.fromString(connection);
        } catch (IllegalArgumentException notAnId) {
            throw new IllegalArgumentException(name + ": not a connection id");
        }
        if ("off".equalsIgnoreCase(value.strip())) {
            return Optional.empty();
        }
        Duration own;
        try {
            own = DurationStyle.detectAndParse(value.strip());
        } catch (IllegalArgumentException notADuration) {
            throw new IllegalArgumentException(name + " must be a duration or off, not '" + value + "'");
        }
        atLeastAMinute(name, own);
        return Optional.of(own);
    }

    private static void atLeastAMinute(String name, Duration value) {
        if (value == null || value.toSeconds() < 60) {
            throw new IllegalArgumentException(name + " must be at least 1m");
        }
    }
}
