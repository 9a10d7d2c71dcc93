package io.depot.query.file;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;
import io.depot.file.FileVersionedEvent;
import io.depot.file.StoredFile;
import io.depot.platform.security.SecurityAutoConfiguration;
import io.depot.platform.web.Paging;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /v1/files/{fileId}/history}: every change of a file, as its events, read from the event store itself
 * rather than a read model, so the history is exactly what the file was built from. The file's owner reads it, and
 * auditors (role {@code auditor}) read any file's, deleted files included; to anyone else the file does not exist.
 */
@RestController
class FileHistoryController {

    static final int MAX_PAGE_SIZE = 100;

    private static final String AUDITOR_AUTHORITY = "ROLE_" + SecurityAutoConfiguration.AUDITOR;
    private static final String FILE_AGGREGATE = StoredFile.class.getSimpleName();

    private final EventStore eventStore;

    FileHistoryController(EventStore eventStore) {
        this.eventStore = eventStore;
    }

    @GetMapping("/v1/files/{fileId}/history")
    Mono<FileHistoryResponse> history(Authentication user, @PathVariable String fileId,
                                      @RequestParam(defaultValue = "0") int page,
                                      @RequestParam(defaultValue = "50") int size) {
        Paging.check(page, size, MAX_PAGE_SIZE);
        boolean auditor = user.getAuthorities().stream().anyMatch(a -> AUDITOR_AUTHORITY.equals(a.getAuthority()));
        return Mono.fromCallable(() -> read(fileId, user.getName(), auditor, page, size))
                .subscribeOn(Schedulers.boundedElastic()); // the event store is read over JDBC
    }

    /**
     * Reads the aggregate's own events, never its snapshots: {@code readEvents(id, first)} starts at a sequence
     * number, where {@code readEvents(id)} would start at the latest snapshot. An aggregate's sequence numbers run
     * from 0 without gaps, so a page starts at sequence {@code page × size}: the store skips to it by its index, and
     * the stream is read in batches only as far as the page needs. The first event, the file's first version, names
     * its owner; an aggregate that is no file is not found either.
     */
    private FileHistoryResponse read(String fileId, String userId, boolean auditor, int page, int size) {
        DomainEventStream stream = eventStore.readEvents(fileId, 0);
        DomainEventMessage<?> first = stream.hasNext() ? stream.next() : null;
        if (first == null || !FILE_AGGREGATE.equals(first.getType())
                || !(first.getPayload() instanceof FileVersionedEvent created)
                || !(auditor || created.ownerId().equals(userId))) {
            throw new DepotException(ErrorCode.FILE_NOT_FOUND, "no file " + fileId);
        }
        long offset = (long) page * size;
        if (offset > 0) {
            stream = eventStore.readEvents(fileId, offset);
        } else {
            stream = DomainEventStream.concat(DomainEventStream.of(first), stream);
        }
        List<HistoryEntry> items = new ArrayList<>(size);
        while (items.size() < size && stream.hasNext()) {
            items.add(HistoryEntry.of(stream.next(), auditor));
        }
        Integer nextPage = stream.hasNext() ? page + 1 : null;
        return new FileHistoryResponse(fileId, items, page, size, nextPage);
    }
}
