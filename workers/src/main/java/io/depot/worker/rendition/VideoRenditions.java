package io.depot.worker.rendition;

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
import org.springframework.util.FileSystemUtils;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.OptionalLong;

/**
 * Makes a poster frame ({@code poster.jpg}) and a web copy (H.264 and AAC in MP4, {@code <height>p.mp4}) of every
 * video version once it is available, with ffprobe and ffmpeg run as child processes ({@link Ffmpeg}). The object is
 * streamed from storage to a temporary file, which both read (ffmpeg seeks in it, as an MP4 whose index is at its
 * end needs); their outputs are temporary files streamed to {@code renditions/<file>/<version>/<name>}, and the
 * directory goes when the work ends.
 * <p>
 * A video ffprobe cannot read, one that runs past {@code depot.video.time-limit} or writes more than
 * {@code depot.video.max-output-size}, gets a recorded failure under the rendition's name: the version was available
 * before and stays so. The transcode is recorded as started, so the file shows it {@code processing}. While storage
 * or the event store fails (or ffmpeg cannot be started) the event is retried, then dead-lettered and retried with a
 * growing pause; a redelivered event makes only the names not yet made or failed, and a version gone meanwhile refuses
 * the record and what was stored for it is removed.
 */
@Component
@EnableConfigurationProperties(VideoProperties.class)
@DisallowReplay
@ProcessingGroup(VideoRenditions.GROUP)
@ConditionalOnProperty(name = "depot.video.enabled", havingValue = "true", matchIfMissing = true)
class VideoRenditions {

    static final String GROUP = "video-renditions";
    private static final Duration TIMEOUT = RenditionRecords.TIMEOUT;

    private final ObjectStorage storage;
    private final RenditionRecords records;
    private final ClaimKeeper claims;
    private final VideoProperties properties;
    private final Ffmpeg ffmpeg;

    VideoRenditions(ObjectStorage storage, BackgroundCommands commands, ClaimKeeper claims,
                    VideoProperties properties, Clock clock) {
        this.storage = storage;
        this.records = new RenditionRecords(storage, commands, clock);
        this.claims = claims;
        this.properties = properties;
        this.ffmpeg = new Ffmpeg(properties);
    }

    @EventHandler
    void on(FileVersionAvailableEvent event) throws IOException {
        make(event.fileId(), event.version());
    }

    /** A restored version is a version of its own: it gets its own renditions. */
    @EventHandler
    void on(FileVersionRestoredEvent event) throws IOException {
        make(event.fileId(), event.version());
    }

    private void make(String fileId, long version) throws IOException {
        List<String> names = List.of(Ffmpeg.POSTER, properties.transcodeName());
        RenditionSource source = records.describe(fileId, version, names).orElse(null);
        if (source == null || !RenditionRecords.typeIn(source.contentType(), properties.contentTypes())) {
            return;
        }
        List<String> todo = names.stream().filter(name -> !source.settled(name)).toList();
        if (todo.isEmpty()) {
            return;
        }
        OptionalLong size = records.objectSize(fileId, version, source.objectKey());
        if (size.isEmpty()) {
            return;
        }
        if (size.getAsLong() > properties.maxBytes().toBytes()) {
            todo.forEach(name -> records.fail(fileId, version, name, "it is " + size.getAsLong() + " bytes; videos "
                    + "of at most " + properties.maxBytes().toBytes() + " get renditions"));
            return;
        }
        Path work = Files.createTempDirectory("depot-video-");
        try {
            claims.during(GROUP, () -> {
                make(fileId, version, source, todo, work);
                return null;
            });
        } finally {
            FileSystemUtils.deleteRecursively(work);
        }
    }

    private void make(String fileId, long version, RenditionSource source, List<String> todo, Path work)
            throws IOException {
        Path input = work.resolve("input");
        try (ResponseInputStream<GetObjectResponse> object = storage.open(source.objectKey()).block(TIMEOUT)) {
            Files.copy(object, input, StandardCopyOption.REPLACE_EXISTING);
        }
        Ffmpeg.Probe probe;
        try {
            probe = ffmpeg.probe(input, work);
        } catch (Ffmpeg.Unusable e) {
            todo.forEach(name -> records.fail(fileId, version, name, e.getMessage()));
            return;
        }
        if (todo.contains(Ffmpeg.POSTER)) {
            Path poster = work.resolve(Ffmpeg.POSTER);
            try {
                ffmpeg.poster(input, probe, poster, work);
            } catch (Ffmpeg.Unusable e) {
                records.fail(fileId, version, Ffmpeg.POSTER, e.getMessage());
                poster = null;
            }
            if (poster != null && !store(fileId, version, Ffmpeg.POSTER, poster, "image/jpeg", jpegSize(poster))) {
                return;
            }
        }
        String transcode = properties.transcodeName();
        if (todo.contains(transcode)) {
            if (!records.started(fileId, version, transcode)) {
                return;
            }
            Path copy = work.resolve(transcode);
            try {
                ffmpeg.transcode(input, probe, copy, work);
            } catch (Ffmpeg.Unusable e) {
                records.fail(fileId, version, transcode, e.getMessage());
                return;
            }
            Ffmpeg.Probe made;
            try {
                made = ffmpeg.probe(copy, work);
            } catch (Ffmpeg.Unusable e) {
                records.fail(fileId, version, transcode, "its web copy cannot be read back: " + e.getMessage());
                return;
            }
            store(fileId, version, transcode, copy, "video/mp4", new int[]{made.width(), made.height()});
        }
    }

    /** Streams a made file to storage and records it; false when the version went meanwhile (and so did the file). */
    private boolean store(String fileId, long version, String name, Path file, String contentType, int[] size)
            throws IOException {
        storage.put(RenditionRecords.key(fileId, version, name), file, contentType)
                .block(properties.timeLimit().plus(TIMEOUT));
        return records.record(fileId, version, name, contentType, size[0], size[1], Files.size(file));
    }

    /** A JPEG's width and height, from its header. */
    private static int[] jpegSize(Path jpeg) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(jpeg.toFile())) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new IOException("ffmpeg wrote a poster that is no image");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                return new int[]{reader.getWidth(0), reader.getHeight(0)};
            } finally {
                reader.dispose();
            }
        }
    }
}
