package dev.patchbay.command;

import dev.patchbay.platform.EventLoops;
import dev.patchbay.platform.PatchbayPlatform;
import dev.patchbay.vault.VaultConfiguration;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Import;

@SpringBootApplication
@Import({PatchbayPlatform.class, VaultConfiguration.class})
public class CommandServiceApplication {

    /** Its own config file name, so that the three services can share one classpath in an end-to-end test. */
    public static final String CONFIG_NAME = "spring.config.name=command-service";

    public static void main(String[] args) {
        EventLoops.onePerCore();
        new SpringApplicationBuilder(CommandServiceApplication.class)
                .properties(CONFIG_NAME)
                .run(args);
    }
}
