package io.depot.query.audit;

import io.depot.audit.DownloadPage;
import io.depot.audit.FindDownloadsQuery;
import io.depot.error.DepotException;
import io.depot.error.ErrorCode;
import io.depot.platform.axon.Dispatch;
import io.depot.platform.web.Paging;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/** {@code GET /v1/audit/downloads}: who downloaded what and when, for auditors (role {@code auditor}). */
@RestController
class DownloadAuditController {

    static final int MAX_PAGE_SIZE = 500;

    private final QueryGateway queries;

    DownloadAuditController(QueryGateway queries) {
        this.queries = queries;
    }

    @GetMapping("/v1/audit/downloads")
    Mono<DownloadPage> downloads(@RequestParam(name = "file_id", required = false) String fileId,
                                 @RequestParam(name = "user_id", required = false) String userId,
                                 @RequestParam(required = false) String from,
                                 @RequestParam(required = false) String to,
                                 @RequestParam(defaultValue = "0") int page,
                                 @RequestParam(defaultValue = "50") int size) {
        Paging.check(page, size, MAX_PAGE_SIZE);
        var query = new FindDownloadsQuery(fileId, userId, instant("from", from), instant("to", to), page, size);
        return Dispatch.query(queries, query, ResponseTypes.instanceOf(DownloadPage.class));
    }

    static Instant instant(String name, String value) {
        try {
            return value == null ? null : Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new DepotException(ErrorCode.VALIDATION_FAILED, name + " must be an ISO-8601 instant such as "
                    + "2026-01-31T12:00:00Z");
        }
    }
}
