package dev.patchbay.probe.proxy;

import dev.patchbay.contracts.problem.ProblemCode;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** The proxy's OpenAPI document (contracts) describes every answer of its own, under that answer's status. */
class ProxyOpenApiTest {

    private static final Path DOCUMENT =
            Path.of("..", "contracts", "src", "main", "resources", "openapi", "proxy.openapi.yaml");

    @Test
    void everyCodeTheProxyAnswersIsDescribedUnderItsStatus() throws Exception {
        var document = Files.readString(DOCUMENT);

        for (var code : ProxyProblems.ANSWERED) {
            int status = document.indexOf("'" + code.status() + "':");
            assertThat(status).as("%s has its status %d", code, code.status()).isPositive();
            int next = document.indexOf("\n        '", status + 1);
            var section = document.substring(status, next < 0 ? document.length() : next);
            assertThat(section)
                    .as("%s under %d", code, code.status())
                    .contains(code.title() + " (" + code.code() + ")");
        }
    }

    @Test
    void everyProxyCodeIsOneTheProxyAnswers() {
        assertThat(Arrays.stream(ProblemCode.values())
                        .filter(code -> code.code().startsWith("PBAY-06")))
                .allMatch(ProxyProblems.ANSWERED::contains);
    }

    @Test
    void theDocumentNamesTheRouteAndTheAuditTopic() throws Exception {
        var document = Files.readString(DOCUMENT);

        assertThat(document).contains("/v1/connections/{id}/proxy/{path}").contains("patchbay.proxy-calls.v1");
    }
}
