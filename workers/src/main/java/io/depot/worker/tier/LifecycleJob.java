package io.depot.worker.tier;

import io.depot.error.DepotException;
import io.depot.file.FileVersionKey;
import io.depot.file.FindLifecycleCandidatesQuery;
import io.depot.file.VersionRef;
import io.depot.platform.processing.BackgroundCommands;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.queryhandling.QueryGateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One run of the lifecycle rules: for each rule, coldest class first, the versions the read model shows as its
 * candidates, oldest first, each moved by {@link StorageMover}, at most {@code max-per-run} in all. The file decides
 * each move, so a read model that lags moves nothing twice and nothing back. A version whose move fails (storage or
 * the event store down) is logged and left for the next run, which finds it again.
 */
@Component
@EnableConfigurationProperties(LifecycleProperties.class)
public class LifecycleJob {

    private static final Logger log = LoggerFactory.getLogger(LifecycleJob.class);

    private final LifecycleProperties properties;
    private final QueryGateway queries;
    private final StorageMover mover;

    LifecycleJob(LifecycleProperties properties, QueryGateway queries, StorageMover mover) {
        this.properties = properties;
        this.queries = queries;
        this.mover = mover;
    }

    /** What a run did. */
    public record Run(int moved, int unchanged, int failed) {
    }

    /** Applies every rule as of {@code now}: ages are measured back from it. */
    public Run runOnce(Instant now) {
        int budget = properties.maxPerRun();
        int moved = 0;
        int unchanged = 0;
        int failed = 0;
        Set<String> seen = new HashSet<>();
        for (LifecycleProperties.Rule rule : properties.coldestFirst()) {
            if (budget <= 0) {
                break;
            }
            List<VersionRef> candidates = queries.query(new FindLifecycleCandidatesQuery(rule.scope(),
                            now.minus(rule.olderThan()), rule.target(), budget),
                    ResponseTypes.multipleInstancesOf(VersionRef.class)).join();
            for (VersionRef version : candidates) {
                if (!seen.add(FileVersionKey.of(version.fileId(), version.version()))) {
                    continue;
                }
                budget--;
                try {
                    switch (mover.move(version.fileId(), version.version(), rule.target(), rule.name(), null, now)) {
                        case MOVED -> moved++;
                        case UNCHANGED -> unchanged++;
                    }
                } catch (DepotException | BackgroundCommands.BackgroundCommandException e) {
                    failed++;
                    log.warn("lifecycle rule {}: moving version {} of file {} failed, the next run tries again: {}",
                            rule.name(), version.version(), version.fileId(), e.toString());
                }
            }
        }
        Run run = new Run(moved, unchanged, failed);
        if (moved + failed > 0) {
            log.info("lifecycle run: {}", run);
        }
        return run;
    }
}
