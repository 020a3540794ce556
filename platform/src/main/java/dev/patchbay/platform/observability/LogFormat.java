package dev.patchbay.platform.observability;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code patchbay.log-format} ({@code PATCHBAY_LOG_FORMAT}): {@code text} (the default, Spring Boot's human-readable
 * lines) or {@code json}, one JSON object per line in the Elastic Common Schema, with the MDC (trace and span ids,
 * tenant and connection where known). {@code ecs}, {@code logstash} and {@code gelf} pick one of Spring Boot's
 * structured formats by name. It applies to the console and to the log file; an explicit
 * {@code logging.structured.format.*} wins.
 */
public final class LogFormat implements EnvironmentPostProcessor, Ordered {

    public static final String PROPERTY = "patchbay.log-format";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        var format = structuredFormat(environment.getProperty(PROPERTY, "text"));
        if (format == null) {
            return;
        }
        Map<String, Object> structured = new HashMap<>();
        structured.put("logging.structured.format.console", format);
        structured.put("logging.structured.format.file", format);
        environment.getPropertySources().addLast(new MapPropertySource("patchbayLogFormat", structured));
    }

    /** The Spring Boot structured format for a {@code patchbay.log-format}, or null for plain text. */
    static String structuredFormat(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "", "text", "plain" -> null;
            case "json", "ecs" -> "ecs";
            case "logstash" -> "logstash";
            case "gelf" -> "gelf";
            default ->
                throw new IllegalArgumentException(
                        PROPERTY + " must be text or json (or ecs, logstash, " + "gelf), not '" + value + "'");
        };
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
