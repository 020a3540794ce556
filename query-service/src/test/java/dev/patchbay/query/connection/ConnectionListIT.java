package dev.patchbay.query.connection;

import dev.patchbay.contracts.connection.ConnectionCreated;
import dev.patchbay.platform.test.TestTokens;
import dev.patchbay.query.QueryServiceTestBase;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.util.UriBuilder;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static dev.patchbay.query.connection.ConnectionFixtures.aConnection;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ConnectionListIT extends QueryServiceTestBase {

    @Test
    void twentyFiveConnectionsComeInPagesOfTenTenAndFiveNewestFirst() {
        var tenant = TestTokens.newTenant();
        var start = now().minusSeconds(3600);
        var published = new ArrayList<ConnectionCreated>();
        for (int i = 0; i < 25; i++) {
            // pairs share a creation instant, so the id breaks ties
            var created = aConnection(tenant)
                    .named("conn-" + i)
                    .at(start.plusSeconds(i / 2))
                    .created();
            published.add(created);
            publish(created);
        }
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(list(tenant, "").total()).isEqualTo(25));
        var expected = published.stream()
                .sorted(Comparator.comparing(ConnectionCreated::occurredAt)
                        .thenComparing(created -> created.connectionId().toString())
                        .reversed())
                .map(created -> created.connectionId().toString())
                .toList();

        var first = list(tenant, "?limit=10");
        var second = list(tenant, "?limit=10&cursor=" + first.nextCursor());
        var third = list(tenant, "?limit=10&cursor=" + second.nextCursor());

        assertThat(List.of(first.ids().size(), second.ids().size(), third.ids().size()))
                .containsExactly(10, 10, 5);
        assertThat(List.of(first.hasMore(), second.hasMore(), third.hasMore())).containsExactly(true, true, false);
        assertThat(first.nextCursor()).isNotBlank();
        assertThat(second.nextCursor()).isNotBlank().isNotEqualTo(first.nextCursor());
        assertThat(third.nextCursor()).isNull();
        assertThat(List.of(first.total(), second.total(), third.total())).containsOnly(25L);
        var all = new ArrayList<String>();
        all.addAll(first.ids());
        all.addAll(second.ids());
        all.addAll(third.ids());
        assertThat(all).doesNotHaveDuplicates().containsExactlyElementsOf(expected);
    }

    @Test
    void theDefaultPageHoldsTwentyAndAnEmptyTenantHasNone() {
        var tenant = TestTokens.newTenant();
        for (int i = 0; i < 21; i++) {
            publish(aConnection(tenant).named("conn-" + i).created());
        }
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(list(tenant, "").total()).isEqualTo(21));

        var page = list(tenant, "");
        assertThat(page.ids()).hasSize(20);
        assertThat(page.hasMore()).isTrue();

        var empty = list(TestTokens.newTenant(), "");
        assertThat(empty.ids()).isEmpty();
        assertThat(empty.hasMore()).isFalse();
        assertThat(empty.nextCursor()).isNull();
        assertThat(empty.total()).isZero();
    }

    @Test
    void laterPagesRepeatTheTotalTheFirstPageCountedWhileTheFirstPageStaysExact() {
        var tenant = TestTokens.newTenant();
        for (int i = 0; i < 3; i++) {
            publish(aConnection(tenant).named("conn-" + i).created());
        }
        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertThat(list(tenant, "").total()).isEqualTo(3));
        var first = list(tenant, "?limit=1");
        assertThat(first.total()).isEqualTo(3);

        publish(aConnection(tenant).named("conn-3").created());
        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(
                        () -> assertThat(list(tenant, "?limit=1").total()).isEqualTo(4));

        // the cursor carries the first page's count: no count over the tenant's rows for a later page
        assertThat(list(tenant, "?limit=1&cursor=" + first.nextCursor()).total())
                .isEqualTo(3);
    }

    @Test
    void aLimitOutOfRangeOrNotANumberIsInvalidPagination() {
        var tenant = TestTokens.newTenant();
        for (var limit : List.of("0", "101", "-1", "ten", "")) {
            get(
                            tenant,
                            uri -> uri.path("/v1/connections")
                                    .queryParam("limit", limit)
                                    .build())
                    .expectStatus()
                    .isBadRequest()
                    .expectHeader()
                    .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody()
                    .jsonPath("$.code")
                    .isEqualTo("PBAY-0006")
                    .jsonPath("$.title")
                    .isEqualTo("invalid_pagination")
                    .jsonPath("$.errors[0].location")
                    .isEqualTo("query.limit");
        }
        for (var limit : List.of("1", "100")) {
            get(
                            tenant,
                            uri -> uri.path("/v1/connections")
                                    .queryParam("limit", limit)
                                    .build())
                    .expectStatus()
                    .isOk();
        }
    }

    @Test
    void aTamperedForgedOrBorrowedCursorIsInvalidPagination() {
        var tenant = TestTokens.newTenant();
        for (int i = 0; i < 3; i++) {
            publish(aConnection(tenant).named("conn-" + i).created());
        }
        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertThat(list(tenant, "").total()).isEqualTo(3));
        var cursor = list(tenant, "?limit=1").nextCursor();
        assertThat(list(tenant, "?limit=1&cursor=" + cursor).ids()).hasSize(1);

        var flipped = cursor.charAt(20) == 'A' ? 'B' : 'A';
        var tampered = cursor.substring(0, 20) + flipped + cursor.substring(21);
        for (var bad : List.of(tampered, "garbage", "", cursor + "AA", cursor.substring(0, cursor.length() - 4))) {
            refused(tenant, bad, Map.of());
        }
        refused(TestTokens.newTenant(), cursor, Map.of());
        refused(tenant, cursor, Map.of("vendor", "pluggy"));
    }

    @Test
    void filtersNarrowTheListAndItsTotal() {
        var tenant = TestTokens.newTenant();
        publish(aConnection(tenant).withVendor("pluggy").named("a").created());
        publish(aConnection(tenant).withVendor("belvo").named("b").created());
        publish(aConnection(tenant).withVendor("belvo").named("c").created());
        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertThat(list(tenant, "").total()).isEqualTo(3));

        var belvo = list(tenant, "?vendor=belvo&limit=1");
        assertThat(belvo.total()).isEqualTo(2);
        assertThat(belvo.hasMore()).isTrue();
        assertThat(list(tenant, "?vendor=belvo&limit=1&cursor=" + belvo.nextCursor())
                        .hasMore())
                .isFalse();
        assertThat(list(tenant, "?status=active&health=unknown").total()).isEqualTo(3);
        assertThat(list(tenant, "?status=revoked").total()).isZero();

        get(
                        tenant,
                        uri -> uri.path("/v1/connections")
                                .queryParam("status", "paused")
                                .build())
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PBAY-0001")
                .jsonPath("$.errors[0].location")
                .isEqualTo("query.status")
                .jsonPath("$.errors[0].value")
                .isEqualTo("paused");
    }

    private void refused(String tenant, String cursor, Map<String, String> filters) {
        get(tenant, uri -> {
                    uri.path("/v1/connections").queryParam("limit", 1).queryParam("cursor", cursor);
                    filters.forEach(uri::queryParam);
                    return uri.build();
                })
                .expectStatus()
                .isBadRequest()
                .expectHeader()
                .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PBAY-0006")
                .jsonPath("$.errors[0].location")
                .isEqualTo("query.cursor");
    }

    private WebTestClient.ResponseSpec get(String tenant, Function<UriBuilder, URI> uri) {
        return http.get()
                .uri(uri)
                .header(HttpHeaders.AUTHORIZATION, viewer(tenant))
                .exchange();
    }

    private Page list(String tenant, String query) {
        var body = http.get()
                .uri("/v1/connections" + query)
                .header(HttpHeaders.AUTHORIZATION, viewer(tenant))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
        assertThat(body).containsOnlyKeys("data", "has_more", "next_cursor", "total");
        var ids = ((List<?>) body.get("data"))
                .stream().map(item -> (String) ((Map<?, ?>) item).get("id")).toList();
        return new Page(
                ids,
                (Boolean) body.get("has_more"),
                (String) body.get("next_cursor"),
                ((Number) body.get("total")).longValue());
    }

    private record Page(List<String> ids, boolean hasMore, String nextCursor, long total) {}
}
