package dev.patchbay.command.probe;

import dev.patchbay.command.platform.LiveTestProperties;
import dev.patchbay.contracts.connection.TenantId;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import org.springframework.stereotype.Component;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.Optional;

/**
 * The per-tenant test limit: a Bucket4j token bucket whose state is a PostgreSQL row, locked for each use, so the
 * limit is exact across every command-service instance.
 */
@Component
class TestRateLimit {

    private final ProxyManager<String> buckets;
    private final BucketConfiguration configuration;

    TestRateLimit(DataSource dataSource, LiveTestProperties properties) {
        this.buckets = Bucket4jPostgreSQL.selectForUpdateBasedBuilder(dataSource)
                .primaryKeyMapper(PrimaryKeyMapper.STRING)
                .table("probe_rate_buckets")
                .idColumn("id")
                .stateColumn("state")
                .build();
        this.configuration = BucketConfiguration.builder()
                .addLimit(Bandwidth.builder()
                        .capacity(properties.rateLimit())
                        .refillGreedy(properties.rateLimit(), properties.ratePeriod())
                        .build())
                .build();
    }

    /** Takes one test from the tenant's bucket; when it is empty, answers how long until one is back. */
    Optional<Duration> tryTake(TenantId tenant) {
        var probe = buckets.builder()
                .build("tests:" + tenant.value(), () -> configuration)
                .tryConsumeAndReturnRemaining(1);
        return probe.isConsumed() ? Optional.empty() : Optional.of(Duration.ofNanos(probe.getNanosToWaitForRefill()));
    }
}
