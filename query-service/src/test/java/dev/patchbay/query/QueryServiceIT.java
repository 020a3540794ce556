package dev.patchbay.query;

import dev.patchbay.platform.test.TestTokens;
import io.r2dbc.spi.ConnectionFactory;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;

import static org.assertj.core.api.Assertions.assertThat;

class QueryServiceIT extends QueryServiceTestBase {

    @Autowired
    private ConnectionFactory connectionFactory;

    @Test
    void theReadSideRunsOnTheFreshTestDatabaseMigratedByFlyway() {
        var db = DatabaseClient.create(connectionFactory);
        assertThat(db.sql("SELECT current_database()")
                        .map(row -> row.get(0, String.class))
                        .one()
                        .block())
                .isEqualTo(DATABASE.name());
        assertThat(db.sql("SELECT to_regclass('connections')::text AS connections, "
                                + "to_regclass('connector_types')::text AS types")
                        .map(row -> row.get("connections", String.class) + "," + row.get("types", String.class))
                        .one()
                        .block())
                .isEqualTo("connections,connector_types");
    }

    @Test
    void aReadWithoutATokenIsRefusedWithProblemJson() {
        http.get()
                .uri("/v1/connections")
                .exchange()
                .expectStatus()
                .isUnauthorized()
                .expectHeader()
                .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader()
                .valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PBAY-0101")
                .jsonPath("$.status")
                .isEqualTo(401);
    }

    @Test
    void aTokenWithoutTheViewerRoleIsForbidden() {
        http.get()
                .uri("/v1/connector-types")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKENS.token(TestTokens.newTenant()))
                .exchange()
                .expectStatus()
                .isForbidden()
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PBAY-0102");
    }

    @Test
    void anUnknownRouteIsANotFoundProblem() {
        http.get()
                .uri("/v1/nothing-here")
                .header(HttpHeaders.AUTHORIZATION, viewer(TestTokens.newTenant()))
                .exchange()
                .expectStatus()
                .isNotFound()
                .expectHeader()
                .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PBAY-0201");
    }

    @Test
    void healthAnswersWithoutATokenAndShowsNoDetails() {
        http.get()
                .uri("/actuator/health")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.status")
                .isEqualTo("UP")
                .jsonPath("$.components.r2dbc.status")
                .isEqualTo("UP")
                .jsonPath("$.components.r2dbc.details")
                .doesNotExist()
                .jsonPath("$.components.kafka.details")
                .doesNotExist();
    }

    @Test
    void metricsSpanTenantsSoTheyAnswerAnOperatorTokenOnly() {
        http.get()
                .uri("/actuator/prometheus")
                .exchange()
                .expectStatus()
                .isUnauthorized()
                .expectHeader()
                .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PBAY-0101");
        http.get()
                .uri("/actuator/prometheus")
                .header(HttpHeaders.AUTHORIZATION, admin(TestTokens.newTenant()))
                .exchange()
                .expectStatus()
                .isUnauthorized()
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PBAY-0101");
        http.get()
                .uri("/actuator/prometheus")
                .header(HttpHeaders.AUTHORIZATION, operator())
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .value(body -> assertThat(body).contains("jvm_memory_used_bytes"));
    }
}
