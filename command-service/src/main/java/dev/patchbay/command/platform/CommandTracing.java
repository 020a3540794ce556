package dev.patchbay.command.platform;

import dev.patchbay.contracts.topic.CloudEvents;
import dev.patchbay.platform.observability.LogContext;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import org.axonframework.commandhandling.CommandBus;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.messaging.MessageDispatchInterceptor;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.axonframework.messaging.correlation.CorrelationDataProvider;
import org.axonframework.messaging.correlation.MessageOriginProvider;
import org.axonframework.messaging.correlation.SimpleCorrelationDataProvider;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * How a request's trace crosses the event store: the relay runs later, on Axon's processor thread, so the trace
 * context cannot follow it as a thread-local. Instead it is written into the event's metadata: a command is
 * dispatched with the current W3C {@code traceparent} (and {@code tracestate}) in its metadata, Axon copies them onto
 * every event the command applies (a correlation data provider), they are stored with the event, and
 * {@code KafkaRelay} continues the trace from them when it publishes the event. Commands also put their tenant and
 * connection into the MDC while they are handled.
 */
@Configuration(proxyBeanMethods = false)
public class CommandTracing {

    /** The W3C trace state, carried in event metadata beside {@code traceparent}. */
    public static final String TRACESTATE = "tracestate";

    @Bean
    CorrelationDataProvider traceContextCorrelation() {
        return new SimpleCorrelationDataProvider(CloudEvents.TRACEPARENT, TRACESTATE);
    }

    /** Axon's own default (correlation and trace ids of the originating message), which a provider bean replaces. */
    @Bean
    CorrelationDataProvider axonMessageOrigin() {
        return new MessageOriginProvider();
    }

    @Bean
    SmartInitializingSingleton commandInterceptors(
            CommandBus commandBus, ObjectProvider<Tracer> tracer, ObjectProvider<Propagator> propagator) {
        return () -> {
            commandBus.registerDispatchInterceptor(traceContext(tracer.getIfAvailable(), propagator.getIfAvailable()));
            commandBus.registerHandlerInterceptor(logContext());
        };
    }

    static MessageDispatchInterceptor<CommandMessage<?>> traceContext(Tracer tracer, Propagator propagator) {
        return new MessageDispatchInterceptor<>() {
            @Override
            public BiFunction<Integer, CommandMessage<?>, CommandMessage<?>> handle(
                    List<? extends CommandMessage<?>> messages) {
                return (index, command) -> {
                    var context = tracer == null || propagator == null
                            ? null
                            : tracer.currentTraceContext().context();
                    if (context == null) {
                        return command;
                    }
                    Map<String, String> carrier = new HashMap<>();
                    propagator.inject(context, carrier, Map::put);
                    carrier.keySet().retainAll(List.of(CloudEvents.TRACEPARENT, TRACESTATE));
                    return carrier.isEmpty() ? command : command.andMetaData(carrier);
                };
            }
        };
    }

    static MessageHandlerInterceptor<CommandMessage<?>> logContext() {
        return (unitOfWork, chain) -> {
            var payload = unitOfWork.getMessage().getPayload();
            try (var context = LogContext.of(component(payload, "tenantId"), component(payload, "connectionId"))) {
                return chain.proceed();
            }
        };
    }

    private static final Map<Class<?>, Map<String, Method>> ACCESSORS = new ConcurrentHashMap<>();

    /** A record component of a command (every command names its tenant and connection), or null. */
    static Object component(Object command, String name) {
        if (command == null || !command.getClass().isRecord()) {
            return null;
        }
        var accessor = ACCESSORS
                .computeIfAbsent(command.getClass(), type -> {
                    Map<String, Method> accessors = new HashMap<>();
                    for (RecordComponent component : type.getRecordComponents()) {
                        var method = component.getAccessor();
                        method.setAccessible(true);
                        accessors.put(component.getName(), method);
                    }
                    return accessors;
                })
                .get(name);
        try {
            return accessor == null ? null : accessor.invoke(command);
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }
}
