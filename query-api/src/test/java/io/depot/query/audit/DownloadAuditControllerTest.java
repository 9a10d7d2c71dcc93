package io.depot.query.audit;

import io.depot.audit.DownloadPage;
import io.depot.audit.DownloadRecord;
import io.depot.audit.FindDownloadsQuery;
import io.depot.platform.testing.ControllerSlice;
import io.depot.platform.testing.WebSlice;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.autoconfigure.web.reactive.WebFluxTest;
import org.springframework.http.MediaType;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /v1/audit/downloads}: the request as a {@link FindDownloadsQuery}, its answer as JSON, for auditors. */
@WebFluxTest(controllers = DownloadAuditController.class)
class DownloadAuditControllerTest extends ControllerSlice {

    private static final Instant AT = Instant.parse("2026-11-29T10:00:00Z");

    @Test
    void everyFilterAndThePageGoIntoTheQueryAndTheAnswerComesBackInSnakeCase() {
        buses.answer(FindDownloadsQuery.class, DownloadPage.class, q -> new DownloadPage(
                List.of(new DownloadRecord("e1", "f1", 2, "bob", "10.0.0.7", AT, null, null, null, null, null)), q.page(), q.size(), 3));

        http.get().uri("/v1/audit/downloads?file_id=f1&user_id=bob&from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z"
                        + "&page=2&size=10")
                .header("Authorization", "Bearer " + WebSlice.token("audrey", "auditor"))
                .exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.items[0].event_id").isEqualTo("e1")
                .jsonPath("$.items[0].user_id").isEqualTo("bob")
                .jsonPath("$.items[0].client_address").isEqualTo("10.0.0.7")
                .jsonPath("$.items[0].downloaded_at").isEqualTo("2026-11-29T10:00:00Z")
                .jsonPath("$.page").isEqualTo(2)
                .jsonPath("$.next_page").isEqualTo(3);
        assertThat(buses.sent()).containsExactly(new FindDownloadsQuery("f1", "bob",
                Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2026-12-01T00:00:00Z"), 2, 10));
    }

    @Test
    void withoutParametersEveryDownloadIsAskedForFiftyAtATime() {
        buses.answer(FindDownloadsQuery.class, DownloadPage.class, q -> new DownloadPage(List.of(), 0, 50, null));

        http.get().uri("/v1/audit/downloads").header("Authorization", "Bearer " + WebSlice.token("audrey", "auditor"))
                .exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.items").isEmpty();
        assertThat(buses.sent()).containsExactly(new FindDownloadsQuery(null, null, null, null, 0, 50));
    }

    @Test
    void badParametersAreRefusedAsProblemsWithoutAQuery() {
        Map<String, String> refusals = Map.of("from=yesterday", "validation-failed",
                "to=2026-13-01T00:00:00Z", "validation-failed", "size=501", "validation-failed",
                "size=0", "validation-failed", "page=-1", "validation-failed", "page=one", "malformed-request");
        refusals.forEach((parameters, code) -> http.get().uri("/v1/audit/downloads?" + parameters)
                .header("Authorization", "Bearer " + WebSlice.token("audrey", "auditor"))
                .exchange()
                .expectStatus().isBadRequest()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.code").isEqualTo(code));
        assertThat(buses.sent()).isEmpty();
    }

    @Test
    void onlyAuditorsMayRead() {
        http.get().uri("/v1/audit/downloads").exchange()
                .expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.code").isEqualTo("unauthenticated");
        for (String role : List.of("admin", "user")) {
            http.get().uri("/v1/audit/downloads").header("Authorization", "Bearer " + WebSlice.token("olga", role))
                    .exchange()
                    .expectStatus().isForbidden()
                    .expectBody().jsonPath("$.code").isEqualTo("forbidden");
        }
        assertThat(buses.sent()).isEmpty();
    }
}
