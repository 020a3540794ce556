package dev.patchbay.probe.proxy;

import dev.patchbay.contracts.proxy.ProxyCallCompleted;
import dev.patchbay.contracts.topic.Topics;
import dev.patchbay.platform.json.EventCodec;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;

import java.util.concurrent.TimeUnit;

/**
 * Every call through the proxy, once answered: a record on {@code patchbay.proxy-calls.v1} (who used which
 * connection when, never a body, header value or query) and the timer {@code patchbay_proxy_calls_seconds}, labelled
 * by connector type, status and problem code only (never a tenant or a connection: those are the topic's).
 */
final class ProxyAudit {

    static final String SOURCE = "/patchbay/probe-worker/proxy";

    private static final Logger log = LoggerFactory.getLogger(ProxyAudit.class);

    private final KafkaTemplate<String, byte[]> kafka;
    private final MeterRegistry meters;
    private final EventCodec codec = new EventCodec(SOURCE);

    ProxyAudit(KafkaTemplate<String, byte[]> kafka, MeterRegistry meters) {
        this.kafka = kafka;
        this.meters = meters;
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
        var key = call.connectionId().toString();
        var envelope = new EventCodec.Envelope(
                call.callId(), call.occurredAt(), key, call.tenantId().value(), null);
        kafka.send(codec.record(Topics.PROXY_CALLS, key, call, envelope)).whenComplete((sent, failed) -> {
            if (failed != null) {
                log.warn(
                        "The audit record of proxy call {} (connection {}) was not published: {}",
                        call.callId(),
                        key,
                        failed.getClass().getSimpleName());
            }
        });
    }
}
