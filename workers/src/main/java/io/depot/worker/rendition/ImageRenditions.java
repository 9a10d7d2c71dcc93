package io.depot.worker.rendition;

import io.depot.error.DepotException;
import io.depot.file.DescribeRenditionSourceCommand;
import io.depot.file.FileRenditionRequestedEvent;
import io.depot.file.FileVersionAvailableEvent;
import io.depot.file.FileVersionRestoredEvent;
import io.depot.file.RecordRenditionCommand;
import io.depot.file.RecordRenditionFailedCommand;
import io.depot.file.RenditionSource;
import io.depot.platform.processing.BackgroundCommands;
import io.depot.platform.processing.ClaimKeeper;
import io.depot.platform.storage.ObjectStorage;
import io.depot.platform.storage.StoredObject;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DisallowReplay;
import org.axonframework.eventhandling.EventHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Makes renditions of every image version once it is available (verified, and scanned where a scanner is configured,
 * or restored from such a version), and the transforms its owner asks for: never of a version still processing,
 * failed or infected, which the file refuses to describe. The object is streamed from storage into the decoder; each
 * rendition is stored at {@code renditions/<file>/<version>/<name>} and recorded on the file, so it goes when its
 * version or file goes.
 * <p>
 * A version whose bytes are not the image its type claims, or whose header declares more pixels than
 * {@code depot.renditions.max-pixels}, gets a recorded rendition failure (of its standard renditions, or of the one
 * transform) and stays available. While storage or the event store fails, the event is retried, then dead-lettered
 * and retried with a growing pause. A redelivered event finds the renditions already recorded and makes none again;
 * one cut short between storing and recording overwrites the same keys, and the file records each name once.
 */
@Component
@EnableConfigurationProperties(RenditionProperties.class)
@DisallowReplay
@ProcessingGroup(ImageRenditions.GROUP)
@ConditionalOnProperty(name = "depot.renditions.enabled", havingValue = "true", matchIfMissing = true)
class ImageRenditions {

    static final String GROUP = "image-renditions";
    static final String PREFIX = "renditions/";
    private static final Duration TIMEOUT = Duration.ofMinutes(1);
    private static final Logger log = LoggerFactory.getLogger(ImageRenditions.class);

    private final ObjectStorage storage;
    private final BackgroundCommands commands;
    private final ClaimKeeper claims;
    private final RenditionProperties properties;
    private final Renderer renderer;
    private final Clock clock;

    ImageRenditions(ObjectStorage storage, BackgroundCommands commands, ClaimKeeper claims,
                    RenditionProperties properties, Clock clock) {
        this.storage = storage;
        this.commands = commands;
        this.claims = claims;
        this.properties = properties;
        this.renderer = new Renderer(properties);
        this.clock = clock;
    }

    static String key(String fileId, long version, String name) {
        return PREFIX + fileId + "/" + version + "/" + name;
    }

    @EventHandler
    void on(FileVersionAvailableEvent event) throws IOException {
        render(new VersionRef(event.fileId(), event.version()));
    }

    /** A restored version is a new version, available at once, sharing an earlier one's object: it gets its own. */
    @EventHandler
    void on(FileVersionRestoredEvent event) throws IOException {
        render(new VersionRef(event.fileId(), event.version()));
    }

    private record VersionRef(String fileId, long version) {
    }

    private void render(VersionRef event) throws IOException {
        Optional<RenditionSource> described = describe(event, renderer.names());
        if (described.isEmpty()) {
            return;
        }
        RenditionSource source = described.get();
        if (!renders(source.contentType()) || source.failed() || source.made().containsAll(renderer.names())) {
            return;
        }
        if (!readable(event, source, null)) {
            return;
        }
        List<Renderer.Rendition> renditions;
        try {
            renditions = claims.during(GROUP, () -> {
                try (ResponseInputStream<GetObjectResponse> object = storage.open(source.objectKey()).block(TIMEOUT)) {
                    return renderer.render(object);
                }
            });
        } catch (Renderer.NotRenderable e) {
            fail(event, null, e.getMessage());
            return;
        }
        for (Renderer.Rendition rendition : renditions) {
            if (!source.made().contains(rendition.name()) && !store(event, rendition)) {
                return;
            }
        }
    }

    /**
     * A transform its owner asked for: made once, as the standard renditions are, with the same refusals before
     * anything is decoded; a failure is recorded under its name and leaves the version and its other renditions be.
     */
    @EventHandler
    void on(FileRenditionRequestedEvent event) throws IOException {
        VersionRef ref = new VersionRef(event.fileId(), event.version());
        Optional<RenditionSource> described = describe(ref, List.of(event.name()));
        if (described.isEmpty() || described.get().settled(event.name())) {
            return;
        }
        RenditionSource source = described.get();
        if (!renders(source.contentType())) {
            fail(ref, event.name(), "its type " + source.contentType() + " is not an image type Depot renders");
            return;
        }
        if (!readable(ref, source, event.name())) {
            return;
        }
        Renderer.Rendition rendition;
        try {
            rendition = claims.during(GROUP, () -> {
                try (ResponseInputStream<GetObjectResponse> object = storage.open(source.objectKey()).block(TIMEOUT)) {
                    return renderer.transform(object, event.transform());
                }
            });
        } catch (Renderer.NotRenderable e) {
            fail(ref, event.name(), e.getMessage());
            return;
        }
        store(ref, rendition);
    }

    /**
     * What the file says of the version, or empty when it is deleted, failed or found infected since: nothing of it is
     * to be shown, and an earlier delivery cut short between storing a rendition and recording it left an object no
     * removal names, which goes here.
     */
    private Optional<RenditionSource> describe(VersionRef event, List<String> names) {
        try {
            return Optional.of(commands.send(new DescribeRenditionSourceCommand(event.fileId(), event.version())));
        } catch (DepotException gone) {
            log.debug("No renditions of version {} of file {}: {}", event.version(), event.fileId(), gone.getMessage());
            for (String name : names) {
                storage.delete(key(event.fileId(), event.version(), name)).block(TIMEOUT);
            }
            return Optional.empty();
        }
    }

    /** Whether the version's object is there and small enough to read; too large is a failure of {@code name}. */
    private boolean readable(VersionRef event, RenditionSource source, String name) {
        Optional<StoredObject> stored = storage.head(source.objectKey()).block(TIMEOUT);
        if (stored == null || stored.isEmpty()) {
            log.info("Version {} of file {} has no object at {}; no renditions", event.version(), event.fileId(),
                    source.objectKey());
            return false;
        }
        if (stored.get().size() > properties.maxBytes().toBytes()) {
            fail(event, name, "it is " + stored.get().size() + " bytes; renditions are made of images of at most "
                    + properties.maxBytes().toBytes());
            return false;
        }
        return true;
    }

    /** Stores and records one rendition; false when the version went meanwhile, and what was stored for it went too. */
    private boolean store(VersionRef event, Renderer.Rendition rendition) {
        String key = key(event.fileId(), event.version(), rendition.name());
        storage.put(key, rendition.bytes(), rendition.contentType()).block(TIMEOUT);
        try {
            commands.send(new RecordRenditionCommand(event.fileId(), event.version(), rendition.name(), key,
                    rendition.contentType(), rendition.width(), rendition.height(), rendition.bytes().length,
                    clock.instant()));
            return true;
        } catch (DepotException gone) {
            storage.delete(key).block(TIMEOUT);
            return false;
        }
    }

    private boolean renders(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return properties.contentTypes().contains(type);
    }

    /** Records why {@code name} (or, when null, the standard renditions) cannot be made of the version. */
    private void fail(VersionRef event, String name, String reason) {
        log.info("No rendition {} of version {} of file {}: {}", name == null ? "" : name, event.version(),
                event.fileId(), reason);
        try {
            commands.send(new RecordRenditionFailedCommand(event.fileId(), event.version(), name, reason,
                    clock.instant()));
        } catch (DepotException gone) {
            log.debug("Version {} of file {} went meanwhile: {}", event.version(), event.fileId(), gone.getMessage());
        }
    }
}
