package io.depot.worker.tier;

import io.depot.error.DepotException;
import io.depot.file.ListPendingRetrievalsQuery;
import io.depot.file.RecordArchiveRetrievedCommand;
import io.depot.file.VersionRef;
import io.depot.platform.processing.BackgroundCommands;
import io.depot.platform.storage.ArchiveRetrieval;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Asks storage how the retrievals that were asked for stand, and records each one storage finished, with the time
 * its restored copy expires. One that is still under way, or whose check fails, is looked at again next time.
 */
@Component
public class ArchiveRetrievalPoll {

    private static final Logger log = LoggerFactory.getLogger(ArchiveRetrievalPoll.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final QueryGateway queries;
    private final ArchiveRetrieval archive;
    private final BackgroundCommands commands;
    private final LifecycleProperties properties;

    ArchiveRetrievalPoll(QueryGateway queries, ArchiveRetrieval archive, BackgroundCommands commands,
                         LifecycleProperties properties) {
        this.queries = queries;
        this.archive = archive;
        this.commands = commands;
        this.properties = properties;
    }

    /** Checks every pending retrieval as of {@code now}; answers how many were found finished. */
    public int runOnce(Instant now) {
        List<VersionRef> pending = queries.query(new ListPendingRetrievalsQuery(properties.maxPerRun()),
                ResponseTypes.multipleInstancesOf(VersionRef.class)).join();
        int finished = 0;
        for (VersionRef version : pending) {
            try {
                ArchiveRetrieval.RestoreStatus status = archive.restoreStatus(version.objectKey()).block(TIMEOUT);
                if (status == null || !status.completed()) {
                    continue;
                }
                commands.send(new RecordArchiveRetrievedCommand(version.fileId(), version.version(),
                        version.objectKey(), status.until(), now));
                finished++;
            } catch (DepotException | BackgroundCommands.BackgroundCommandException e) {
                log.warn("checking the retrieval of version {} of file {} failed, the next poll tries again: {}",
                        version.version(), version.fileId(), e.toString());
            }
        }
        return finished;
    }
}
