package io.depot.query.admin;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;
import io.depot.platform.axon.Dispatch;
import io.depot.platform.web.Paging;
import io.depot.reconcile.FindReconcileRunQuery;
import io.depot.reconcile.ListReconcileRunsQuery;
import io.depot.reconcile.ReconcileRunPage;
import io.depot.reconcile.ReconcileRunView;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** Reconcile reports for operators (role {@code admin}): the runs, and each run's findings. */
@RestController
class ReconcileReportController {

    static final int MAX_PAGE_SIZE = 100;
    static final int MAX_FINDINGS = 10_000;

    private final QueryGateway queries;

    ReconcileReportController(QueryGateway queries) {
        this.queries = queries;
    }

    @GetMapping("/v1/admin/reconcile-runs/{runId}")
    Mono<ReconcileRunView> run(@PathVariable String runId, @RequestParam(defaultValue = "1000") int findings) {
        if (findings < 0 || findings > MAX_FINDINGS) {
            throw new DepotException(ErrorCode.VALIDATION_FAILED, "findings must be between 0 and " + MAX_FINDINGS);
        }
        return Dispatch.query(queries, new FindReconcileRunQuery(runId, findings),
                        ResponseTypes.optionalInstanceOf(ReconcileRunView.class))
                .flatMap(Mono::justOrEmpty)
                .switchIfEmpty(Mono.error(() -> new DepotException(ErrorCode.NOT_FOUND, "no reconcile run " + runId)));
    }

    @GetMapping("/v1/admin/reconcile-runs")
    Mono<ReconcileRunPage> runs(@RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "20") int size) {
        Paging.check(page, size, MAX_PAGE_SIZE);
        return Dispatch.query(queries, new ListReconcileRunsQuery(page, size), ResponseTypes.instanceOf(ReconcileRunPage.class));
    }
}
