package dev.patchbay.platform.observability;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LogFormatTest {

    @Test
    void textIsTheDefaultAndJsonMeansTheElasticCommonSchema() {
        var plain = new MockEnvironment();
        new LogFormat().postProcessEnvironment(plain, new SpringApplication());
        assertThat(plain.getProperty("logging.structured.format.console")).isNull();

        var json = new MockEnvironment().withProperty("patchbay.log-format", "json");
        new LogFormat().postProcessEnvironment(json, new SpringApplication());
        assertThat(json.getProperty("logging.structured.format.console")).isEqualTo("ecs");
        assertThat(json.getProperty("logging.structured.format.file")).isEqualTo("ecs");
    }

    @Test
    void anExplicitStructuredFormatWins() {
        var environment = new MockEnvironment()
                .withProperty("patchbay.log-format", "json")
                .withProperty("logging.structured.format.console", "logstash");
        new LogFormat().postProcessEnvironment(environment, new SpringApplication());
        assertThat(environment.getProperty("logging.structured.format.console")).isEqualTo("logstash");
    }

    @Test
    void anUnknownFormatStopsTheStart() {
        assertThatThrownBy(() -> LogFormat.structuredFormat("xml")).hasMessageContaining("patchbay.log-format");
    }
}
