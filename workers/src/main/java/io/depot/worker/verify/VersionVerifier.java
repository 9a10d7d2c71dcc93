package io.depot.worker.verify;

import io.depot.file.FailFileVersionCommand;
import io.depot.file.FileVersionedEvent;
import io.depot.file.RecordVersionVerifiedCommand;
import io.depot.platform.processing.BackgroundCommands;
import io.depot.platform.processing.ClaimKeeper;
import io.depot.platform.storage.ObjectStorage;
import io.depot.platform.storage.StoredObject;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DisallowReplay;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.Timestamp;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Checks every new version's stored object: present and of the declared size, with its SHA-256 computed by
 * reading it when the client declared none and {@code depot.finalize.compute-sha256} is on. A version that
 * fails loses its object. While storage is unreachable the event is retried, then dead-lettered and retried
 * with a growing pause; the commands it sends are idempotent, so a retried event changes nothing twice.
 */
@Component
@EnableConfigurationProperties(FinalizeProperties.class)
@DisallowReplay
@ProcessingGroup(VersionVerifier.GROUP)
class VersionVerifier {

    static final String GROUP = "version-verification";
    /** A call that reads no object: a HEAD or a DELETE. */
    private static final Duration CALL_TIMEOUT = Duration.ofMinutes(5);
    /**
     * The slowest read of a whole object that is waited for: the limit grows with the object, so that no size is too
     * large to verify (a read that stalls ends sooner, at the HTTP client's read timeout).
     */
    private static final long SLOWEST_BYTES_PER_SECOND = 1 << 20;

    private final ObjectStorage storage;
    private final BackgroundCommands commands;
    private final boolean computeSha256;

    private final ClaimKeeper claims;

    VersionVerifier(ObjectStorage storage, BackgroundCommands commands, ClaimKeeper claims,
                    FinalizeProperties properties) {
        this.storage = storage;
        this.claims = claims;
        this.commands = commands;
        this.computeSha256 = properties.computeSha256();
    }

    @EventHandler
    void on(FileVersionedEvent event, @Timestamp Instant at) {
        Optional<StoredObject> stored = storage.head(event.objectKey()).block(CALL_TIMEOUT);
        if (stored == null || stored.isEmpty()) {
            fail(event, "the stored object is missing", at);
            return;
        }
        if (stored.get().size() != event.size()) {
            storage.delete(event.objectKey()).block(CALL_TIMEOUT);
            fail(event, "the stored object is " + stored.get().size() + " bytes, " + event.size() + " were declared", at);
            return;
        }
        String sha256 = event.sha256();
        if (sha256 == null && computeSha256) {
            Duration limit = readLimit(event.size());
            sha256 = claims.during(GROUP, () -> storage.sha256(event.objectKey()).block(limit));
        }
        commands.send(new RecordVersionVerifiedCommand(event.fileId(), event.version(), sha256));
    }

    /** How long a read of a whole object of {@code size} bytes is waited for: a call, then 1 MiB/s. */
    static Duration readLimit(long size) {
        return CALL_TIMEOUT.plusSeconds(size / SLOWEST_BYTES_PER_SECOND);
    }

    private void fail(FileVersionedEvent event, String reason, Instant at) {
        commands.send(new FailFileVersionCommand(event.fileId(), event.version(), reason, at));
    }
}
