package io.depot.allinone;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * A part's PUT that sends the first half of its body and then stalls, so that a kill certainly lands while the
 * part is in flight; and the object store's files, which show when that part's bytes have reached storage.
 */
final class StalledPart {

    private StalledPart() {
    }

    /** Starts streaming {@code part} as part {@code partNumber} and sends only its first half. */
    static Socket send(int port, String token, String uploadId, int partNumber, byte[] part) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        OutputStream out = socket.getOutputStream();
        out.write(("PUT /v1/uploads/" + uploadId + "/parts/" + partNumber + " HTTP/1.1\r\nHost: localhost\r\n"
                + "Authorization: Bearer " + token + "\r\nContent-Type: application/octet-stream\r\n"
                + "Content-Length: " + part.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(part, 0, part.length / 2);
        out.flush();
        return socket;
    }

    /** The object store's temporary files under {@code dataDir}: writes in progress, or cut short. */
    static long unfinishedWrites(Path dataDir) throws IOException {
        return storedFiles(dataDir).stream()
                .map(f -> Path.of(f).getFileName().toString())
                .filter(name -> name.matches(".+-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"))
                .count();
    }

    /** Every file the object store keeps under {@code dataDir}, relative to its root. */
    static List<String> storedFiles(Path dataDir) throws IOException {
        Path objects = dataDir.resolve("objects");
        if (!Files.isDirectory(objects)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(objects)) {
            return files.filter(Files::isRegularFile).map(f -> objects.relativize(f).toString()).toList();
        }
    }
}
