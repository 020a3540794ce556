package dev.patchbay.command.probe;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import org.springframework.stereotype.Component;

import javax.sql.DataSource;
import java.time.Duration;

/**
 * The re-checks' own rate bound, {@code patchbay.recheck.rate} a second for all instances together: one Bucket4j
 * bucket in the row {@code rechecks} of {@code probe_rate_buckets}, locked for each use like the tenants' test
 * buckets beside it. A bound per instance would grow with the number of instances, and the vendors behind the
 * connections see the sum.
 */
@Component
class RecheckRate {

    static final String BUCKET = "rechecks";

    private final BucketProxy bucket;

    RecheckRate(DataSource dataSource, RecheckProperties properties) {
        var configuration = BucketConfiguration.builder()
                .addLimit(Bandwidth.builder()
                        .capacity(properties.rate())
                        .refillGreedy(properties.rate(), Duration.ofSeconds(1))
                        .build())
                .build();
        this.bucket = Bucket4jPostgreSQL.selectForUpdateBasedBuilder(dataSource)
                .primaryKeyMapper(PrimaryKeyMapper.STRING)
                .table("probe_rate_buckets")
                .idColumn("id")
                .stateColumn("state")
                .build()
                .builder()
                .build(BUCKET, () -> configuration);
    }

    /** Takes up to {@code wanted} re-checks from the bound; how many it gave. */
    int take(int wanted) {
        return (int) bucket.tryConsumeAsMuchAsPossible(wanted);
    }

    /** Gives back re-checks taken but not used (fewer connections were due). */
    void giveBack(int unused) {
        if (unused > 0) {
            bucket.addTokens(unused);
        }
    }
}
