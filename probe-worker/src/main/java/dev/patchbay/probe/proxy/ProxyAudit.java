package dev.patchbay.probe.proxy;

import dev.patchbay.contracts.proxy.ProxyCallCompleted;
import dev.patchbay.contracts.topic.Topics;
import dev.patchbay.platform.json.EventCodec;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Every call through the proxy, once answered: a record on {@code patchbay.proxy-calls.v1} (who used which
 * connection when, never a body, header value or query) and the timer {@code patchbay_proxy_calls_seconds}, labelled
 * by connector type, status and problem code only (never a tenant or a connection: those are the topic's).
 *
 * <p>Fail closed (issue 22: every call is an audit record, so auditors can replay who used which credential when). A
 * record is sent after the answer and not waited for; one the producer gives up on (its delivery timeout passed: a
 * broker outage) is logged in full, as JSON (it holds no secret), so that it can be recovered from the log, and kept
 * in memory to be sent again. While any record is undelivered ({@link #delivering()} false) the proxy refuses new
 * calls (503 {@code audit_unavailable}); every {@code retryInterval} the oldest is sent again, and once all are on the
 * topic calls are taken again. A record re-sent after its first send was in fact written may be on the topic twice:
 * the same call id, which a reader de-duplicates.
 */
final class ProxyAudit implements AutoCloseable {

    static final String SOURCE = "/patchbay/probe-worker/proxy";

    /** How many undelivered records are kept for re-sending (every one is in the log in any case). */
    static final int KEPT = 10_000;

    private static final Logger log = LoggerFactory.getLogger(ProxyAudit.class);

    private final KafkaTemplate<String, byte[]> kafka;
    private final MeterRegistry meters;
    private final EventCodec codec = new EventCodec(SOURCE);
    private final ArrayDeque<ProxyCallCompleted> undelivered = new ArrayDeque<>();
    private final ScheduledExecutorService retries;
    private volatile boolean failing;
    private boolean resending;

    ProxyAudit(KafkaTemplate<String, byte[]> kafka, MeterRegistry meters, Duration retryInterval) {
        this.kafka = kafka;
        this.meters = meters;
        this.retries = Executors.newSingleThreadScheduledExecutor(task -> {
            var thread = new Thread(task, "proxy-audit-retry");
            thread.setDaemon(true);
            return thread;
        });
        long every = retryInterval.toMillis();
        retries.scheduleWithFixedDelay(this::resendOldest, every, every, TimeUnit.MILLISECONDS);
        Gauge.builder("patchbay.proxy.audit.undelivered", this, audit -> audit.undeliveredCount())
                .description("Audit records of proxy calls not yet on their topic; calls are refused while above 0")
                .register(meters);
    }

    /** Whether audit records are being delivered: false from a failed send until every failed one is re-sent. */
    boolean delivering() {
        return !failing;
    }

    void record(ProxyCallCompleted call, long elapsedNanos) {
        Timer.builder("patchbay.proxy.calls")
                .description("Calls through the proxy, by connector type, status and problem code")
                .tag("vendor", call.vendor() == null ? "none" : call.vendor())
                .tag("status", Integer.toString(call.status()))
                .tag("problem", call.problem() == null ? "none" : call.problem())
                .publishPercentileHistogram()
                .register(meters)
                .record(elapsedNanos, TimeUnit.NANOSECONDS);
        send(call, false);
    }

    private ProducerRecord<String, byte[]> recordOf(ProxyCallCompleted call) {
        var key = call.connectionId().toString();
        var envelope = new EventCodec.Envelope(
                call.callId(), call.occurredAt(), key, call.tenantId().value(), null);
        return codec.record(Topics.PROXY_CALLS, key, call, envelope);
    }

    private void send(ProxyCallCompleted call, boolean again) {
        var record = recordOf(call);
        try {
            kafka.send(record).whenComplete((sent, failed) -> {
                if (failed != null) {
                    lost(call, record, failed, again);
                } else if (again) {
                    delivered();
                }
            });
        } catch (RuntimeException failed) {
            lost(call, record, failed, again);
        }
    }

    private void lost(ProxyCallCompleted call, ProducerRecord<String, byte[]> record, Throwable failed, boolean again) {
        synchronized (undelivered) {
            failing = true;
            if (again) {
                resending = false;
                return;
            }
            if (undelivered.size() < KEPT) {
                undelivered.addLast(call);
            }
            log.error(
                    "The audit record of proxy call {} (connection {}) was not delivered ({}); calls through the proxy "
                            + "are refused until it is. {}; the record: {}",
                    call.callId(),
                    record.key(),
                    failed.getClass().getSimpleName(),
                    undelivered.size() < KEPT ? "It is kept to be sent again" : "Too many are kept: it is only here",
                    new String(record.value(), StandardCharsets.UTF_8));
        }
    }

    private void delivered() {
        synchronized (undelivered) {
            var call = undelivered.pollFirst();
            resending = false;
            if (call != null) {
                log.info("The audit record of proxy call {} was delivered on a later try", call.callId());
            }
            if (undelivered.isEmpty()) {
                failing = false;
                log.info("Audit records are delivered again: calls through the proxy are taken again");
            } else {
                retries.execute(this::resendOldest);
            }
        }
    }

    private void resendOldest() {
        ProxyCallCompleted oldest;
        synchronized (undelivered) {
            if (!failing || resending) {
                return;
            }
            oldest = undelivered.peekFirst();
            if (oldest == null) {
                failing = false;
                return;
            }
            resending = true;
        }
        send(oldest, true);
    }

    private int undeliveredCount() {
        synchronized (undelivered) {
            return failing ? Math.max(1, undelivered.size()) : 0;
        }
    }

    @Override
    public void close() {
        retries.shutdownNow();
    }
}
