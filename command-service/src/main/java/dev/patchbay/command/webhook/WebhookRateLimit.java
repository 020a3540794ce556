package dev.patchbay.command.webhook;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.Optional;

/**
 * The per-token limit on deliveries, taken after the cheap checks and before the signing secret is opened (with the
 * aws-kms keyring, a paid call): whoever holds a token, the vendor or someone who saw its URL, makes at most
 * {@code patchbay.webhooks.rate-limit} deliveries per period on an instance.
 * <p>
 * In memory, per instance, unlike the tests' limit (a PostgreSQL row per tenant): the limit guards this instance's
 * own work (its opens, its HMACs, its sends), so an exact count across instances buys nothing, and a row locked per
 * delivery would put a flood's weight on the database it is meant to spare. A bucket left alone for a whole period
 * is full again, so dropping it then loses nothing; the number of buckets is bounded, so a flood of tokens cannot
 * grow the heap.
 */
@Component
class WebhookRateLimit {

    static final long MAXIMUM_TOKENS = 100_000;

    private final WebhookDeliveryProperties properties;
    private final Cache<String, Bucket> buckets;

    WebhookRateLimit(WebhookDeliveryProperties properties) {
        this.properties = properties;
        this.buckets = Caffeine.newBuilder()
                .maximumSize(MAXIMUM_TOKENS)
                .expireAfterAccess(properties.ratePeriod())
                .build();
    }

    /** Takes one delivery from the token's bucket; when it is empty, answers how long until one is back. */
    Optional<Duration> tryTake(String tokenId) {
        var probe = buckets.get(
                        tokenId,
                        id -> Bucket.builder()
                                .addLimit(Bandwidth.builder()
                                        .capacity(properties.rateLimit())
                                        .refillGreedy(properties.rateLimit(), properties.ratePeriod())
                                        .build())
                                .build())
                .tryConsumeAndReturnRemaining(1);
        return probe.isConsumed() ? Optional.empty() : Optional.of(Duration.ofNanos(probe.getNanosToWaitForRefill()));
    }
}
