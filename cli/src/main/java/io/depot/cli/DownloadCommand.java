package io.depot.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "download", description = {"Downloads a file into PATH.part, resuming a partial one, checks its "
        + "SHA-256 and renames it into place.", "Prints the path written."})
final class DownloadCommand implements Callable<Integer> {

    @ParentCommand
    Depot depot;

    @Parameters(paramLabel = "FILE_ID")
    String fileId;

    @Option(names = "--version", paramLabel = "N", description = "That version (default: the newest available).")
    Long version;

    @Option(names = {"-o", "--output"}, paramLabel = "PATH",
            description = "Where to write it (default: the file's name, in the current directory).")
    Path output;

    @Option(names = "--limit-rate", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "Receives at most SIZE bytes a second.")
    long limitRate;

    @Option(names = "--json", description = "A JSON object on stdout.")
    boolean json;

    @Override
    public Integer call() {
        Client client = depot.client();
        String path = "/v1/files/" + fileId;
        JsonNode file = client.get(path);
        JsonNode link = client.get(path + (version == null ? "" : "/versions/" + version) + "/download");
        long size = link.get("size").asLong();
        long served = link.get("version").asLong();
        JsonNode servedVersion = client.get(path + "/versions/" + served);
        String expected = servedVersion.hasNonNull("sha256") ? servedVersion.get("sha256").asText() : null;

        Path target = output != null ? output : Path.of(file.get("filename").asText());
        if (Files.isDirectory(target)) {
            target = target.resolve(file.get("filename").asText());
        }
        Path partial = target.resolveSibling(target.getFileName() + ".part");
        long have = fetch(client, link.get("url").asText(), partial, size);

        String actual = Checksums.sha256(partial);
        if (expected != null && !expected.equalsIgnoreCase(actual)) {
            delete(partial);
            throw new Failure(Failure.CHECKSUM, "SHA-256 of the downloaded bytes is " + actual + ", Depot has "
                    + expected + "; " + partial + " deleted");
        }
        try {
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw Failure.io("cannot rename " + partial + " to " + target, e);
        }
        if (json) {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("file_id", fileId);
            result.put("version", served);
            result.put("path", target.toString());
            result.put("size", size);
            result.put("sha256", actual);
            result.put("resumed_from", have);
            Depot.printJson(result);
        } else {
            System.out.println(target);
        }
        return 0;
    }

    /** Appends what {@code partial} lacks; answers how many bytes it held before. */
    private long fetch(Client client, String url, Path partial, long size) {
        long have = 0;
        try {
            if (Files.exists(partial)) {
                have = Files.size(partial);
                if (have > size) {
                    Files.delete(partial);
                    have = 0;
                }
            }
            if (have == size) {
                return have;
            }
            HttpResponse<InputStream> response = client.getFrom(url, have);
            boolean append = have > 0 && response.statusCode() == 206;
            try (Progress progress = new Progress("download", size, append ? have : 0, limitRate, Progress.onTerminal(),
                    System.err);
                 InputStream in = progress.counting(response.body());
                 OutputStream out = Files.newOutputStream(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                         append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
                copy(in, out);
            }
            if (Files.size(partial) < size) {
                throw new Failure(Failure.UNAVAILABLE, "the download broke off at " + Files.size(partial) + " of "
                        + size + " bytes; run the command again to resume");
            }
            return append ? have : 0;
        } catch (IOException e) {
            throw Failure.io("cannot write " + partial, e);
        }
    }

    /** Copies the body, telling a connection that broke (exit code 3) from a file that cannot be written (4). */
    private static void copy(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[1 << 16];
        while (true) {
            int n;
            try {
                n = in.read(buffer);
            } catch (IOException e) {
                throw new Failure(Failure.UNAVAILABLE, "the download broke off: " + e + "; run the command again to resume", e);
            }
            if (n < 0) {
                return;
            }
            out.write(buffer, 0, n);
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw Failure.io("cannot delete " + file, e);
        }
    }
}
