package io.depot.query.audit;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.time.Clock;
import java.time.Instant;

import static io.depot.query.audit.DownloadAuditController.instant;

/**
 * The download trail for auditors (role {@code auditor}): {@code verify} recomputes its hash chains from the event
 * store and checks the audit read model against them; {@code export} streams it as NDJSON or CSV. A range runs from
 * {@code from} (the beginning when absent) to {@code to} (now when absent), by when each URL was given out.
 */
@RestController
class DownloadTrailController {

    static final MediaType NDJSON = MediaType.parseMediaType("application/x-ndjson");
    static final MediaType CSV = MediaType.parseMediaType("text/csv;charset=UTF-8");

    private final DownloadTrailVerifier verifier;
    private final DownloadExport export;
    private final Clock clock;

    DownloadTrailController(DownloadTrailVerifier verifier, DownloadExport export, Clock clock) {
        this.verifier = verifier;
        this.export = export;
        this.clock = clock;
    }

    @GetMapping("/v1/audit/downloads/verify")
    Mono<DownloadTrailVerifier.Verification> verify(@RequestParam(required = false) String from,
                                                    @RequestParam(required = false) String to) {
        Instant start = instant("from", from);
        Instant end = end(start, to);
        return Mono.fromCallable(() -> verifier.verify(start, end)).subscribeOn(Schedulers.boundedElastic());
    }

    @GetMapping("/v1/audit/downloads/export")
    ResponseEntity<Flux<String>> export(@RequestParam(required = false) String from,
                                        @RequestParam(required = false) String to,
                                        @RequestParam(defaultValue = "ndjson") String format) {
        Instant start = instant("from", from);
        Instant end = end(start, to);
        return switch (format) {
            case "ndjson" -> ResponseEntity.ok().contentType(NDJSON).body(export.ndjson(start, end));
            case "csv" -> ResponseEntity.ok().contentType(CSV)
                    .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"downloads.csv\"")
                    .body(export.csv(start, end));
            default -> throw new DepotException(ErrorCode.VALIDATION_FAILED, "format must be ndjson or csv");
        };
    }

    private Instant end(Instant start, String to) {
        Instant end = to == null ? clock.instant() : instant("to", to);
        if (start != null && !start.isBefore(end)) {
            throw new DepotException(ErrorCode.VALIDATION_FAILED, "from must be before to");
        }
        return end;
    }
}
