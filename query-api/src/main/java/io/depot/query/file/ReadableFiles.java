package io.depot.query.file;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;
import io.depot.file.FileView;
import io.depot.file.FindFileQuery;
import io.depot.platform.axon.Dispatch;
import io.depot.projection.file.FileViewCache;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** Files a caller may see: from the metadata cache, or from the read model (filling the cache) when the cache lacks it. */
@Component
class ReadableFiles {

    private final QueryGateway queries;
    private final FileViewCache cache;

    ReadableFiles(QueryGateway queries, FileViewCache cache) {
        this.queries = queries;
        this.cache = cache;
    }

    /** The file, when {@code userId} (null for anonymous) may read it; else the same 404 as for no file at all. */
    Mono<FileView> readable(String fileId, String userId) {
        return cache.get(fileId)
                .switchIfEmpty(Dispatch.query(queries, new FindFileQuery(fileId), ResponseTypes.optionalInstanceOf(FileView.class))
                        .doOnNext(found -> found.ifPresent(cache::offer)))
                .flatMap(found -> Mono.justOrEmpty(found.filter(f -> f.readableBy(userId))))
                .switchIfEmpty(Mono.error(() -> new DepotException(ErrorCode.FILE_NOT_FOUND, "no file " + fileId)));
    }

    /** The file, when {@code userId} owns it; else 404. */
    Mono<FileView> owned(String fileId, String userId) {
        return readable(fileId, userId).filter(f -> f.ownerId().equals(userId))
                .switchIfEmpty(Mono.error(() -> new DepotException(ErrorCode.FILE_NOT_FOUND, "no file " + fileId)));
    }
}
