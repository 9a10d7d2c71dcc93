package io.depot.worker.rendition;

import io.depot.error.DepotException;
import io.depot.file.DescribeRenditionSourceCommand;
import io.depot.file.RecordRenditionCommand;
import io.depot.file.RecordRenditionFailedCommand;
import io.depot.file.RecordRenditionStartedCommand;
import io.depot.file.RenditionSource;
import io.depot.platform.processing.BackgroundCommands;
import io.depot.platform.storage.ObjectStorage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What the rendition workers ask of and tell the file, each answer handled: a version deleted, failed or found
 * infected meanwhile refuses, and what was stored for it is removed, since no removal names it.
 */
final class RenditionRecords {

    static final String PREFIX = "renditions/";
    static final Duration TIMEOUT = Duration.ofMinutes(1);
    private static final Logger log = LoggerFactory.getLogger(RenditionRecords.class);

    private final ObjectStorage storage;
    private final BackgroundCommands commands;
    private final Clock clock;

    RenditionRecords(ObjectStorage storage, BackgroundCommands commands, Clock clock) {
        this.storage = storage;
        this.commands = commands;
        this.clock = clock;
    }

    /** Where a rendition is stored: beside its version, so it goes with it. */
    static String key(String fileId, long version, String name) {
        return PREFIX + fileId + "/" + version + "/" + name;
    }

    /** Whether the declared type, without its parameters, is one of {@code types}. */
    static boolean typeIn(String contentType, List<String> types) {
        if (contentType == null) {
            return false;
        }
        return types.contains(contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT));
    }

    /**
     * What the file says of the version, or empty when it is deleted, failed or found infected since: nothing of it is
     * to be shown, and an earlier delivery cut short between storing a rendition of {@code names} and recording it
     * left an object no removal names, which goes here.
     */
    Optional<RenditionSource> describe(String fileId, long version, Collection<String> names) {
        try {
            return Optional.of(commands.send(new DescribeRenditionSourceCommand(fileId, version)));
        } catch (DepotException gone) {
            log.debug("No renditions of version {} of file {}: {}", version, fileId, gone.getMessage());
            for (String name : names) {
                storage.delete(key(fileId, version, name)).block(TIMEOUT);
            }
            return Optional.empty();
        }
    }

    /**
     * The size of the version's object, or empty (logged) when storage has none: then nothing can be made of it, and
     * nothing is recorded, as reconcile reports such a loss.
     */
    java.util.OptionalLong objectSize(String fileId, long version, String objectKey) {
        Optional<io.depot.platform.storage.StoredObject> stored = storage.head(objectKey).block(TIMEOUT);
        if (stored == null || stored.isEmpty()) {
            log.info("Version {} of file {} has no object at {}; no renditions", version, fileId, objectKey);
            return java.util.OptionalLong.empty();
        }
        return java.util.OptionalLong.of(stored.get().size());
    }

    /**
     * Records a rendition already stored at its key; false when the version went meanwhile, and the stored object
     * went too.
     */
    boolean record(String fileId, long version, String name, String contentType, int width, int height, long size) {
        String key = key(fileId, version, name);
        try {
            commands.send(new RecordRenditionCommand(fileId, version, name, key, contentType, width, height, size,
                    clock.instant()));
            return true;
        } catch (DepotException gone) {
            storage.delete(key).block(TIMEOUT);
            return false;
        }
    }

    /** Records that making {@code name} began; false when the version went meanwhile. */
    boolean started(String fileId, long version, String name) {
        try {
            commands.send(new RecordRenditionStartedCommand(fileId, version, name, clock.instant()));
            return true;
        } catch (DepotException gone) {
            log.debug("Version {} of file {} went meanwhile: {}", version, fileId, gone.getMessage());
            return false;
        }
    }

    /** Records why {@code name} (or, when null, the standard image renditions) cannot be made of the version. */
    void fail(String fileId, long version, String name, String reason) {
        log.info("No rendition {} of version {} of file {}: {}", name == null ? "" : name, version, fileId, reason);
        try {
            commands.send(new RecordRenditionFailedCommand(fileId, version, name, reason, clock.instant()));
        } catch (DepotException gone) {
            log.debug("Version {} of file {} went meanwhile: {}", version, fileId, gone.getMessage());
        }
    }
}
