package io.depot.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

@Command(name = "upload", description = {"Uploads files, resuming an upload of the same file that was interrupted.",
        "Prints each file's id."})
final class UploadCommand implements Callable<Integer> {

    /**
     * The part size asked for when parts stream through Depot and none was given: each part costs the service a
     * command, an event and a read-model write, so larger parts cost it less CPU per GiB (64 MiB parts took 0.71 of
     * the CPU of 16 MiB parts in docs/benchmarks.md). Parts are read from the file as they are sent, never held whole.
     */
    static final long THROUGH_SERVICE_PART_SIZE = 64L * 1024 * 1024;

    @ParentCommand
    Depot depot;

    @Parameters(paramLabel = "FILE", arity = "1..*")
    List<Path> files;

    @Option(names = "--through-service", description = "Streams parts through Depot instead of straight to storage.")
    boolean throughService;

    @Option(names = "--parallel", paramLabel = "N", defaultValue = "4", description = "Parts sent at once (default 4).")
    int parallel;

    @Option(names = "--part-size", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "Part size, 5MiB to 5GiB (default: Depot's choice; 64MiB with --through-service).")
    Long partSize;

    @Option(names = "--content-type", description = "The declared media type (default: guessed from the name).")
    String contentType;

    @Option(names = "--limit-rate", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "Sends at most SIZE bytes a second.")
    long limitRate;

    @Option(names = "--json", description = "One JSON object per file on stdout.")
    boolean json;

    @Override
    public Integer call() {
        if (parallel < 1) {
            throw new Failure(Failure.USAGE, "--parallel must be at least 1");
        }
        Client client = depot.client();
        for (Path file : files) {
            Map<String, Object> result = upload(client, file);
            if (json) {
                Depot.printJson(result);
            } else {
                System.out.println(result.get("file_id"));
            }
        }
        return 0;
    }

    private Map<String, Object> upload(Client client, Path file) {
        if (!Files.isRegularFile(file)) {
            throw new Failure(Failure.LOCAL_IO, "not a file: " + file);
        }
        long size = size(file);
        Path stateFile = UploadState.file(depot.config.dir, file);
        UploadState state = UploadState.read(stateFile);
        JsonNode status = state == null ? null : resumable(client, state);
        boolean resumed = status != null;
        if (status == null) {
            String sha256 = Checksums.sha256(file);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("filename", file.getFileName().toString());
            body.put("content_type", contentType != null ? contentType : guessType(file));
            body.put("size", size);
            body.put("sha256", sha256);
            Long parts = partSize != null ? partSize : throughService ? THROUGH_SERVICE_PART_SIZE : null;
            if (parts != null) {
                body.put("part_size", parts);
            }
            JsonNode initiated = client.post("/v1/uploads/initiate", body);
            state = new UploadState(initiated.get("upload_id").asText(), initiated.get("file_id").asText(), sha256, size);
            state.write(stateFile);
            status = client.get("/v1/uploads/" + state.uploadId());
        }
        AtomicLong bytesSent = new AtomicLong();
        AtomicInteger partsSent = new AtomicInteger();
        if (!status.get("status").asText().equals("completed")) {
            sendMissing(client, file, state, status, bytesSent, partsSent);
            status = client.post("/v1/uploads/" + state.uploadId() + "/complete", null);
        }
        deleteQuietly(stateFile);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("file", file.toString());
        result.put("file_id", state.fileId());
        result.put("upload_id", state.uploadId());
        result.put("version", status.path("version").asLong());
        result.put("size", size);
        result.put("sha256", state.sha256());
        result.put("resumed", resumed);
        result.put("parts_sent", partsSent.get());
        result.put("bytes_sent", bytesSent.get());
        return result;
    }

    /** The upload's state when it can be resumed or is already complete; null to start afresh. */
    private static JsonNode resumable(Client client, UploadState state) {
        try {
            JsonNode status = client.get("/v1/uploads/" + state.uploadId());
            String phase = status.get("status").asText();
            return phase.equals("in_progress") || phase.equals("completed") ? status : null;
        } catch (Failure e) {
            if (e.exitCode == Failure.REFUSED) {
                return null; // expired, aborted or unknown: a new upload
            }
            throw e;
        }
    }

    private void sendMissing(Client client, Path file, UploadState state, JsonNode status, AtomicLong bytesSent,
                             AtomicInteger partsSent) {
        long size = state.size();
        long part = status.get("part_size").asLong();
        Map<Integer, String> urls = new HashMap<>();
        status.path("presigned_urls").forEach(u -> urls.put(u.get("part_number").asInt(), u.get("url").asText()));
        List<Integer> missing = new ArrayList<>();
        status.get("missing_parts").forEach(n -> missing.add(n.asInt()));
        String base = "/v1/uploads/" + state.uploadId() + "/parts/";
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        try (Progress progress = new Progress("upload", size, status.path("bytes_uploaded").asLong(), limitRate,
                Progress.onTerminal(), System.err)) {
            List<Future<?>> sent = new ArrayList<>();
            for (int number : missing) {
                sent.add(pool.submit(() -> {
                    long offset = (number - 1) * part;
                    long length = Math.min(part, size - offset);
                    if (size(file) != size) {
                        throw new Failure(Failure.LOCAL_IO, file + " changed while it was uploaded");
                    }
                    var body = progress.resending(() -> FileRegion.open(file, offset, length));
                    if (throughService) {
                        client.putPart(base + number, length, body);
                    } else {
                        String etag = client.putUrl(urls.get(number), length, body);
                        ObjectNode report = Config.JSON.createObjectNode().put("etag", etag);
                        client.post(base + number, report);
                    }
                    bytesSent.addAndGet(length);
                    partsSent.incrementAndGet();
                    return null;
                }));
            }
            for (Future<?> future : sent) {
                future.get();
            }
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new Failure(Failure.LOCAL_IO, e.getCause().toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure(Failure.LOCAL_IO, "interrupted");
        } finally {
            pool.shutdownNow();
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw Failure.io("cannot read " + file, e);
        }
    }

    private static String guessType(Path file) {
        try {
            String type = Files.probeContentType(file);
            return type != null ? type : "application/octet-stream";
        } catch (IOException e) {
            return "application/octet-stream";
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a stale state file only makes the next upload of the same file ask Depot first
        }
    }
}
