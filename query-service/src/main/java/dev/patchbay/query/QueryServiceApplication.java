package dev.patchbay.query;

import dev.patchbay.platform.EventLoops;
import dev.patchbay.platform.PatchbayPlatform;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Import;

/**
 * The read side: projects connection and connector-type events into read tables and serves every GET.
 * Its configuration is {@code query-service.yml}, not {@code application.yml}, because an end-to-end test runs the
 * three services from one classpath.
 */
@SpringBootApplication
@Import(PatchbayPlatform.class)
public class QueryServiceApplication {

    public static final String CONFIG_NAME = "spring.config.name=query-service";

    public static void main(String[] args) {
        EventLoops.onePerCore();
        new SpringApplicationBuilder(QueryServiceApplication.class)
                .properties(CONFIG_NAME)
                .run(args);
    }
}
