package io.depot.query.file;

import io.depot.file.FilePage;
import io.depot.file.FileView;
import io.depot.file.Tags;
import io.depot.file.ListUserFilesQuery;
import io.depot.platform.axon.Dispatch;
import io.depot.platform.processing.ScanProperties;
import io.depot.platform.web.Paging;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import java.time.Clock;

/**
 * Reading files: metadata and listings. A private file exists only for its owner. Download URLs have a route of their
 * own ({@link DownloadUrlRoute}).
 */
@RestController
class FileQueryController {

    static final int MAX_PAGE_SIZE = 100;

    private final QueryGateway queries;
    private final ReadableFiles files;
    private final Clock clock;
    private final boolean scanEnabled;

    FileQueryController(QueryGateway queries, ReadableFiles files, Clock clock, ScanProperties scan) {
        this.scanEnabled = scan.enabled();
        this.queries = queries;
        this.files = files;
        this.clock = clock;
    }

    @GetMapping("/v1/files/{fileId}")
    Mono<FileResponse> file(@AuthenticationPrincipal Jwt user, @PathVariable String fileId) {
        return readable(fileId, user.getSubject()).map(f -> FileResponse.of(f, scanEnabled, clock.instant()));
    }

    @GetMapping("/v1/users/{userId}/files")
    Mono<FilePageResponse> list(@AuthenticationPrincipal Jwt user, @PathVariable String userId,
                                @RequestParam(defaultValue = "0") int page,
                                @RequestParam(defaultValue = "20") int size,
                                @RequestParam(required = false) String tag) {
        Paging.check(page, size, MAX_PAGE_SIZE);
        boolean publicOnly = !userId.equals(user.getSubject());
        String filter = tag == null ? null : Tags.normalizeOne(tag);
        return Dispatch.query(queries, new ListUserFilesQuery(userId, publicOnly, page, size, filter),
                        ResponseTypes.instanceOf(FilePage.class))
                .map(p -> new FilePageResponse(p.items().stream().map(f -> FileResponse.of(f, scanEnabled, clock.instant())).toList(), p.page(), p.size(),
                        p.nextPage()));
    }

    private Mono<FileView> readable(String fileId, String userId) {
        return files.readable(fileId, userId);
    }
}
