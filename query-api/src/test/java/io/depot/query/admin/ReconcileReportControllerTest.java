package io.depot.query.admin;

import io.depot.platform.testing.ControllerSlice;
import io.depot.platform.testing.WebSlice;
import io.depot.reconcile.FindReconcileRunQuery;
import io.depot.reconcile.FindingKind;
import io.depot.reconcile.FindingOutcome;
import io.depot.reconcile.ListReconcileRunsQuery;
import io.depot.reconcile.ReconcileCounts;
import io.depot.reconcile.ReconcileFinding;
import io.depot.reconcile.ReconcileRunPage;
import io.depot.reconcile.ReconcileRunStatus;
import io.depot.reconcile.ReconcileRunView;
import io.depot.reconcile.ReconcileTrigger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.autoconfigure.web.reactive.WebFluxTest;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Reconcile reports for operators: a run by id (404 when unknown) and the runs page by page, for admins only. */
@WebFluxTest(controllers = ReconcileReportController.class)
class ReconcileReportControllerTest extends ControllerSlice {

    private static final Instant AT = Instant.parse("2026-11-29T10:00:00Z");
    private static final ReconcileRunView RUN = new ReconcileRunView("r1", ReconcileTrigger.OPERATOR, "olga",
            ReconcileRunStatus.FINISHED, AT, AT.plusSeconds(60), new ReconcileCounts(10, 2, 9, 3), null,
            Map.of(FindingKind.ORPHAN_OBJECT, 1L), List.of(new ReconcileFinding("ORPHAN_OBJECT:objects/a",
            FindingKind.ORPHAN_OBJECT, FindingOutcome.QUARANTINED, "objects/a", null, null, null, "no record")));

    @Test
    void aRunIsAskedForWithItsFindingsLimitAndAnsweredInSnakeCase() {
        buses.answer(FindReconcileRunQuery.class, ReconcileRunView.class, q -> q.runId().equals("r1") ? RUN : null);

        admin("/v1/admin/reconcile-runs/r1?findings=5")
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.run_id").isEqualTo("r1")
                .jsonPath("$.requested_by").isEqualTo("olga")
                .jsonPath("$.checked.multipart_uploads").isEqualTo(2)
                .jsonPath("$.finding_counts.ORPHAN_OBJECT").isEqualTo(1)
                .jsonPath("$.findings[0].object_key").isEqualTo("objects/a");
        admin("/v1/admin/reconcile-runs/r2")
                .expectStatus().isNotFound()
                .expectBody().jsonPath("$.code").isEqualTo("not-found");
        assertThat(buses.sent()).containsExactly(new FindReconcileRunQuery("r1", 5),
                new FindReconcileRunQuery("r2", 1000));
    }

    @Test
    void runsAreListedPageByPage() {
        buses.answer(ListReconcileRunsQuery.class, ReconcileRunPage.class,
                q -> new ReconcileRunPage(List.of(RUN), q.page(), q.size(), null));

        admin("/v1/admin/reconcile-runs?page=1&size=5")
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.items[0].run_id").isEqualTo("r1")
                .jsonPath("$.page").isEqualTo(1)
                .jsonPath("$.next_page").doesNotExist();
        admin("/v1/admin/reconcile-runs").expectStatus().isOk();
        assertThat(buses.sent()).containsExactly(new ListReconcileRunsQuery(1, 5), new ListReconcileRunsQuery(0, 20));
    }

    @Test
    void outOfRangeLimitsAreRefusedWithoutAQuery() {
        for (String path : List.of("/v1/admin/reconcile-runs/r1?findings=10001", "/v1/admin/reconcile-runs/r1?findings=-1",
                "/v1/admin/reconcile-runs?size=101", "/v1/admin/reconcile-runs?page=-1")) {
            admin(path).expectStatus().isBadRequest().expectBody().jsonPath("$.code").isEqualTo("validation-failed");
        }
        assertThat(buses.sent()).isEmpty();
    }

    @Test
    void onlyAdminsMayRead() {
        http.get().uri("/v1/admin/reconcile-runs").exchange().expectStatus().isUnauthorized();
        http.get().uri("/v1/admin/reconcile-runs/r1").header("Authorization", "Bearer " + WebSlice.token("audrey", "auditor"))
                .exchange()
                .expectStatus().isForbidden()
                .expectBody().jsonPath("$.code").isEqualTo("forbidden");
        assertThat(buses.sent()).isEmpty();
    }

    private WebTestClient.ResponseSpec admin(String path) {
        return http.get().uri(path).header("Authorization", "Bearer " + WebSlice.token("olga", "admin")).exchange();
    }
}
