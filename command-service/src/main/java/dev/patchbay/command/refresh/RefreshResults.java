package dev.patchbay.command.refresh;

import dev.patchbay.command.platform.ExpiringConnections;
import dev.patchbay.contracts.connection.ConnectionExpired;
import dev.patchbay.contracts.refresh.RefreshCompleted;
import dev.patchbay.contracts.refresh.RefreshRequested;
import dev.patchbay.platform.json.EventCodec;
import dev.patchbay.platform.observability.LogContext;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;

/**
 * Records what each refresh came to, on the connection and in {@link ExpiryIndex}. Every instance consumes
 * {@code patchbay.refresh-results.v1} in one shared group ({@code patchbay.oauth2.results-group}), so each result is
 * recorded once:
 *
 * <ul>
 *   <li>{@code renewed}: the staged credential becomes the connection's, a rotation by {@code patchbay:refresher}
 *       (unless the credential changed since, or the connection is gone: then the staged row is destroyed);
 *   <li>{@code refused}: the connection is expired ({@code grant_refused});
 *   <li>{@code transient}: retried after a backoff (30 s doubling up to the cap, or the provider's Retry-After), and
 *       the connection expired ({@code refresh_failing}) once it has failed for {@code give-up-after};
 *   <li>{@code not_refreshable}: the credential expires at its expiry ({@code credential_expired});
 *   <li>{@code already_renewed}: nothing (the refresher that renewed it publishes its own result).
 * </ul>
 */
@Component
class RefreshResults {

    private static final Logger log = LoggerFactory.getLogger(RefreshResults.class);

    private final ExpiringConnections expiring;
    private final ExpiryIndex index;
    private final TransactionTemplate transactions;
    private final OAuth2Properties properties;
    private final Clock clock;
    private final EventCodec codec = new EventCodec("/patchbay/command-service");

    RefreshResults(
            ExpiringConnections expiring,
            ExpiryIndex index,
            TransactionTemplate transactions,
            OAuth2Properties properties,
            Clock clock) {
        this.expiring = expiring;
        this.index = index;
        this.transactions = transactions;
        this.properties = properties;
        this.clock = clock;
    }

    @KafkaListener(
            id = "refresh-results",
            groupId = "${patchbay.oauth2.results-group:patchbay-command-refresh}",
            topics = "#{T(dev.patchbay.contracts.topic.Topics).REFRESH_RESULTS.name()}")
    void on(ConsumerRecord<String, byte[]> record) {
        var result = codec.decode(record, RefreshCompleted.class).orElse(null);
        if (result == null
                || result.connectionId() == null
                || result.tenantId() == null
                || result.outcome() == null
                || result.fromVersion() < 1) {
            log.warn(
                    "Skipped a refresh result without its required fields at {}-{}@{}",
                    record.topic(),
                    record.partition(),
                    record.offset());
            return;
        }
        try (var logContext = LogContext.of(result.tenantId(), result.connectionId())) {
            record(result);
        }
    }

    void record(RefreshCompleted result) {
        var id = result.connectionId();
        var tenant = result.tenantId();
        int from = result.fromVersion();
        switch (result.outcome()) {
            case RefreshCompleted.RENEWED -> {
                if (result.refreshed() == null) {
                    log.warn("A renewed refresh result without its credential; not recorded");
                    return;
                }
                expiring.recordRefresh(tenant, id, from, result.refreshed());
            }
            case RefreshCompleted.REFUSED -> {
                log.info(
                        "The token endpoint refused the refresh of credential version {} ({})",
                        from,
                        result.error() == null ? "no code" : result.error().code());
                expiring.expire(tenant, id, from, ConnectionExpired.GRANT_REFUSED, RefreshRequested.REFRESHER);
            }
            case RefreshCompleted.TRANSIENT -> {
                var now = clock.instant();
                var failing =
                        transactions.execute(status -> index.failedTransiently(id, from, now, result.retryAfter()));
                if (failing == null || failing.isEmpty()) {
                    return;
                }
                log.info(
                        "The refresh of credential version {} failed for now ({}), {} time(s) since {}",
                        from,
                        result.error() == null ? "no code" : result.error().code(),
                        failing.get().attempts(),
                        failing.get().since());
                if (!now.isBefore(failing.get().since().plus(properties.giveUpAfter()))) {
                    expiring.expire(tenant, id, from, ConnectionExpired.REFRESH_FAILING, RefreshRequested.REFRESHER);
                }
            }
            case RefreshCompleted.NOT_REFRESHABLE ->
                transactions.executeWithoutResult(status -> index.notRefreshable(id, from));
            case RefreshCompleted.ALREADY_RENEWED -> log.debug("Credential version {} was already renewed", from);
            default -> log.warn("Skipped a refresh result of an unknown outcome");
        }
    }
}
