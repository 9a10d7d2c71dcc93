package io.depot.worker.tier;

import io.depot.file.FileVersionStorageClassRequestedEvent;
import io.depot.platform.processing.ClaimKeeper;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DisallowReplay;
import org.axonframework.eventhandling.EventHandler;
import org.springframework.stereotype.Component;

import java.time.Clock;

/**
 * Moves a version to the class its owner asked for. The file declines a request that a later one replaced, or a
 * version deleted since; while storage or the event store fails, the event is retried, then dead-lettered and
 * retried with a growing pause. A redelivered request copies to the same key again and records nothing twice.
 */
@Component
@DisallowReplay
@ProcessingGroup(StorageClassRequests.GROUP)
class StorageClassRequests {

    static final String GROUP = "storage-class-moves";

    private final StorageMover mover;
    private final ClaimKeeper claims;
    private final Clock clock;

    StorageClassRequests(StorageMover mover, ClaimKeeper claims, Clock clock) {
        this.mover = mover;
        this.claims = claims;
        this.clock = clock;
    }

    @EventHandler
    void on(FileVersionStorageClassRequestedEvent event) {
        if (event.from() == event.to()) {
            return;
        }
        // A large object's copy outlasts a claim: the segment is kept while it runs.
        claims.during(GROUP, () -> mover.move(event.fileId(), event.version(), event.to(), null, event.requestedBy(),
                clock.instant()));
    }
}
