package dev.patchbay.probe.check;

import dev.patchbay.contracts.connection.ConnectionId;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import org.springframework.stereotype.Component;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One Resilience4j circuit breaker per connection, so that a system that keeps failing is left alone for a while
 * instead of being hit by every test request. The least recently checked connections' breakers are dropped beyond
 * {@code max-connections}: a forgotten breaker only means a fresh, closed one next time. Checks and proxied calls
 * of a connection share its breaker: both reach the same system.
 */
@Component
public final class ConnectionBreakers {

    private final CircuitBreakerConfig config;
    private final Map<ConnectionId, CircuitBreaker> breakers;

    public ConnectionBreakers(ProbeProperties properties) {
        var settings = properties.circuitBreaker();
        config = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(settings.windowSize())
                .minimumNumberOfCalls(settings.windowSize())
                .failureRateThreshold(settings.failureRateThreshold())
                .waitDurationInOpenState(settings.openFor())
                .permittedNumberOfCallsInHalfOpenState(1)
                .writableStackTraceEnabled(false)
                .build();
        int max = settings.maxConnections();
        breakers = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<ConnectionId, CircuitBreaker> eldest) {
                return size() > max;
            }
        };
    }

    /** A fresh, closed breaker kept nowhere: for a check of a candidate, whose id lives for that check only. */
    public CircuitBreaker single() {
        return CircuitBreaker.of("candidate", config);
    }

    public synchronized CircuitBreaker of(ConnectionId connection) {
        return breakers.computeIfAbsent(connection, id -> CircuitBreaker.of(id.toString(), config));
    }
}
