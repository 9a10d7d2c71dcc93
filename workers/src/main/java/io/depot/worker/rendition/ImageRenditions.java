package io.depot.worker.rendition;

import io.depot.error.DepotException;
import io.depot.file.DescribeRenditionSourceCommand;
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
 * Makes renditions of every image version once it is available (verified, and scanned where a scanner is
 * configured, or restored from such a version): never of a version still processing, failed or infected, which the
 * file refuses to describe. The
 * object is streamed from storage into the decoder; each rendition is stored at
 * {@code renditions/<file>/<version>/<name>} and recorded on the file, so it goes when its version or file goes.
 * <p>
 * A version whose bytes are not the image its type claims, or whose header declares more pixels than
 * {@code depot.renditions.max-pixels}, gets a recorded rendition failure and stays available. While storage or the
 * event store fails, the event is retried, then dead-lettered and retried with a growing pause. A redelivered event
 * finds the renditions already recorded and makes none again; one cut short between storing and recording
 * overwrites the same keys, and the file records each name once.
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
        RenditionSource source;
        try {
            source = commands.send(new DescribeRenditionSourceCommand(event.fileId(), event.version()));
        } catch (DepotException gone) {
            // Deleted, failed or found infected since: nothing of it is to be shown. An earlier delivery cut short
            // between storing a rendition and recording it left an object no removal names: it goes here.
            log.debug("No renditions of version {} of file {}: {}", event.version(), event.fileId(), gone.getMessage());
            for (String name : renderer.names()) {
                storage.delete(key(event.fileId(), event.version(), name)).block(TIMEOUT);
            }
            return;
        }
        if (!renders(source.contentType()) || source.failed() || source.made().containsAll(renderer.names())) {
            return;
        }
        Optional<StoredObject> stored = storage.head(source.objectKey()).block(TIMEOUT);
        if (stored == null || stored.isEmpty()) {
            log.info("Version {} of file {} has no object at {}; no renditions", event.version(), event.fileId(),
                    source.objectKey());
            return;
        }
        if (stored.get().size() > properties.maxBytes().toBytes()) {
            fail(event, "it is " + stored.get().size() + " bytes; renditions are made of images of at most "
                    + properties.maxBytes().toBytes());
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
            fail(event, e.getMessage());
            return;
        }
        for (Renderer.Rendition rendition : renditions) {
            if (source.made().contains(rendition.name())) {
                continue;
            }
            String key = key(event.fileId(), event.version(), rendition.name());
            storage.put(key, rendition.bytes(), rendition.contentType()).block(TIMEOUT);
            try {
                commands.send(new RecordRenditionCommand(event.fileId(), event.version(), rendition.name(), key,
                        rendition.contentType(), rendition.width(), rendition.height(), rendition.bytes().length,
                        clock.instant()));
            } catch (DepotException gone) {
                // The version went while it was being rendered: what was stored for it is no one's.
                storage.delete(key).block(TIMEOUT);
                return;
            }
        }
    }

    private boolean renders(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return properties.contentTypes().contains(type);
    }

    private void fail(VersionRef event, String reason) {
        log.info("No renditions of version {} of file {}: {}", event.version(), event.fileId(), reason);
        try {
            commands.send(new RecordRenditionFailedCommand(event.fileId(), event.version(), reason, clock.instant()));
        } catch (DepotException gone) {
            log.debug("Version {} of file {} went meanwhile: {}", event.version(), event.fileId(), gone.getMessage());
        }
    }
}
