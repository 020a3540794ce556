package dev.patchbay.command.platform;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docker-compose.yml, the stack for a machine with a Docker engine, is valid Compose and configures the services as
 * bin/patchbay does. Validating needs only the docker client ({@code docker compose config} talks to no engine);
 * where neither {@code docker compose} nor the legacy {@code docker-compose} is installed that test is skipped.
 */
class DockerComposeTest {

    private static final Path ROOT = Path.of("..");
    private static final Path COMPOSE = ROOT.resolve("docker-compose.yml");

    @Test
    void theComposeFileIsValid() throws Exception {
        if (run(List.of("docker", "compose", "version")).exitCode() == 0) {
            var result = run(List.of("docker", "compose", "-f", COMPOSE.toString(), "config", "-q"));
            assertThat(result.exitCode())
                    .as("docker compose config -q: %s", result.output())
                    .isZero();
            return;
        }
        var legacy = run(List.of("docker-compose", "version", "--short"));
        Assumptions.assumeTrue(
                legacy.exitCode() == 0,
                "Skipped: neither `docker compose` (the Compose plugin of the "
                        + "docker client) nor `docker-compose` is installed here, so docker-compose.yml cannot be validated");
        // Compose v1 predates the top-level `name`; everything else it checks as v2 does
        var copy = Files.createTempFile(ROOT.toAbsolutePath().normalize(), ".docker-compose-check", ".yml");
        try {
            Files.writeString(copy, Files.readString(COMPOSE).replaceAll("(?m)^name:.*$", ""));
            var result = run(List.of("docker-compose", "-f", copy.toString(), "config", "-q"));
            assertThat(result.exitCode())
                    .as("docker-compose config -q: %s", result.output())
                    .isZero();
        } finally {
            Files.deleteIfExists(copy);
        }
    }

    @Test
    void theServicesGetWhatBinPatchbayGivesThem() throws Exception {
        var script = Files.readString(ROOT.resolve("bin/patchbay"));
        var function = script.substring(script.indexOf("service_environment() {"));
        function = function.substring(0, function.indexOf("\n}"));
        var exported = new ArrayList<String>();
        var matcher = Pattern.compile("export ([A-Z_]+)=").matcher(function);
        while (matcher.find()) {
            exported.add(matcher.group(1));
        }
        assertThat(exported)
                .contains(
                        "PATCHBAY_SECURITY_JWT_PUBLIC_KEY_LOCATION",
                        "PATCHBAY_VAULT_KEY_FILE",
                        "PATCHBAY_SECURITY_OPERATOR_PUBLIC_KEY_LOCATION",
                        "PATCHBAY_SECURITY_OPERATOR_ISSUER",
                        "PATCHBAY_CONSISTENCY_KEY");
        var compose = Files.readString(COMPOSE);
        var environment = compose.substring(compose.indexOf("x-service-environment:"), compose.indexOf("services:"));
        for (var name : exported) {
            assertThat(environment)
                    .as("docker-compose.yml's service environment sets %s, as bin/patchbay does", name)
                    .containsPattern("(?m)^  " + name + ":");
        }
        assertThat(Files.readString(ROOT.resolve("tools/docker/entrypoint.sh")))
                .as("the image reads the cursor key from the mounted keys, as bin/patchbay does")
                .contains("PATCHBAY_QUERY_CURSOR_KEY=$(cat /keys/cursor.key)")
                .as("and the consistency key, which command-service and query-service share")
                .contains("PATCHBAY_CONSISTENCY_KEY=$(cat /keys/consistency.key)");
        for (var service : List.of("command-service", "query-service", "probe-worker")) {
            assertThat(compose).containsPattern("(?s)\\n  " + service + ":\\n.*?<<: \\*service-environment");
        }
    }

    private record Result(int exitCode, String output) {}

    private static Result run(List<String> command) throws InterruptedException {
        try {
            var process = new ProcessBuilder(command).redirectErrorStream(true).start();
            var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Result(-1, "timed out");
            }
            return new Result(process.exitValue(), output);
        } catch (IOException notInstalled) {
            return new Result(-1, notInstalled.getMessage());
        }
    }
}
