package io.depot.allinone;

import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.KeyNotFoundException;
import org.jclouds.blobstore.domain.MultipartPart;
import org.jclouds.blobstore.domain.MultipartUpload;
import org.jclouds.blobstore.util.ForwardingBlobStore;
import org.jclouds.io.Payload;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The embedded object store's filesystem blob store, made to keep two promises S3 keeps and jclouds' filesystem
 * store does not:
 * <ul>
 *   <li>A part can be uploaded only to an open multipart upload. jclouds stores a part sent to a completed or
 *   aborted upload as a new blob, so a presigned part URL would outlive its upload; S3 answers NoSuchUpload.</li>
 *   <li>A write cut short by the death of the process leaves nothing. jclouds writes each blob to a temporary file
 *   beside it and renames it when whole; a killed write leaves the temporary file, which breaks the listing of that
 *   upload's parts. {@link #removeUnfinishedWrites} deletes them before the store starts.</li>
 * </ul>
 */
final class EmbeddedBlobStore extends ForwardingBlobStore {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedBlobStore.class);
    /** jclouds' temporary file for a blob being written: the blob's file name, a dash and a random UUID. */
    private static final Pattern UNFINISHED_WRITE =
            Pattern.compile(".+-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    EmbeddedBlobStore(BlobStore delegate) {
        super(delegate);
    }

    @Override
    public MultipartPart uploadMultipartPart(MultipartUpload upload, int partNumber, Payload payload) {
        // jclouds keeps a stub blob for every open multipart upload and removes it at complete and abort.
        String stub = ".mpus-" + upload.id() + "-" + upload.blobName() + "-stub";
        if (!delegate().blobExists(upload.containerName(), stub)) {
            throw new KeyNotFoundException(upload.containerName(), upload.blobName(),
                    "no open multipart upload " + upload.id());
        }
        return super.uploadMultipartPart(upload, partNumber, payload);
    }

    /**
     * Deletes the temporary files of writes that never finished under {@code dir}. Run only while no store
     * serves the directory: a write in progress has such a file too.
     */
    static int removeUnfinishedWrites(Path dir) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            List<Path> unfinished = files.filter(Files::isRegularFile)
                    .filter(f -> UNFINISHED_WRITE.matcher(f.getFileName().toString()).matches())
                    .toList();
            for (Path file : unfinished) {
                log.warn("removing {}: a write to the embedded object store that never finished", dir.relativize(file));
                Files.deleteIfExists(file);
            }
            return unfinished.size();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
