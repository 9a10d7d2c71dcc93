package io.depot.worker.rendition;

import io.depot.file.FileRenditionRequestedEvent;
import io.depot.file.FileVersionAvailableEvent;
import io.depot.file.FileVersionRestoredEvent;
import io.depot.file.RenditionSource;
import io.depot.platform.processing.BackgroundCommands;
import io.depot.platform.processing.ClaimKeeper;
import io.depot.platform.storage.ObjectStorage;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DisallowReplay;
import org.axonframework.eventhandling.EventHandler;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
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
    private static final Duration TIMEOUT = RenditionRecords.TIMEOUT;

    private final ObjectStorage storage;
    private final RenditionRecords records;
    private final ClaimKeeper claims;
    private final RenditionProperties properties;
    private final Renderer renderer;

    ImageRenditions(ObjectStorage storage, BackgroundCommands commands, ClaimKeeper claims,
                    RenditionProperties properties, Clock clock) {
        this.storage = storage;
        this.records = new RenditionRecords(storage, commands, clock);
        this.claims = claims;
        this.properties = properties;
        this.renderer = new Renderer(properties);
    }

    private static String key(String fileId, long version, String name) {
        return RenditionRecords.key(fileId, version, name);
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

    /** Whether the version's object is there and small enough to read; too large is a failure of {@code name}. */
    private boolean readable(VersionRef event, RenditionSource source, String name) {
        java.util.OptionalLong size = records.objectSize(event.fileId(), event.version(), source.objectKey());
        if (size.isPresent() && size.getAsLong() > properties.maxBytes().toBytes()) {
            fail(event, name, "it is " + size.getAsLong() + " bytes; renditions are made of images of at most "
                    + properties.maxBytes().toBytes());
            return false;
        }
        return size.isPresent();
    }

    /** Stores and records one rendition; false when the version went meanwhile, and what was stored for it went too. */
    private boolean store(VersionRef event, Renderer.Rendition rendition) {
        storage.put(key(event.fileId(), event.version(), rendition.name()), rendition.bytes(), rendition.contentType())
                .block(TIMEOUT);
        return records.record(event.fileId(), event.version(), rendition.name(), rendition.contentType(),
                rendition.width(), rendition.height(), rendition.bytes().length);
    }

    private boolean renders(String contentType) {
        return RenditionRecords.typeIn(contentType, properties.contentTypes());
    }

    private void fail(VersionRef event, String name, String reason) {
        records.fail(event.fileId(), event.version(), name, reason);
    }

    private Optional<RenditionSource> describe(VersionRef event, List<String> names) {
        return records.describe(event.fileId(), event.version(), names);
    }
}
