package io.depot.allinone;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What Depot acknowledged survives a SIGKILL on the embedded default (H2 event store, mongo-java-server on an H2
 * file, S3Proxy, all under one data directory, nothing else configured). Depot runs as a process of its own;
 * twenty-five times it completes one upload and records a reported part of another, answers 2xx to both, and is
 * killed at once. The next start must find the upload completed with its version, the file at that version on the query side, the
 * part among the session's parts, and both requests' {@code Idempotency-Key}s still held. Each life checks the
 * previous one, prepares the next one's uploads (initiate, presigned PUTs, earlier parts reported) and then
 * acknowledges and dies, so what it prepared has to survive the kill too.
 */
class KillAfterAcknowledgeTest {

    /** Each life costs a start of the all-in-one (about 4 s on the CI machine): 25 keep the suite's time in check. */
    private static final int ITERATIONS = 25;
    private static final int PART = 5 * EndToEndTest.MIB;
    private static final byte[] SMALL = EndToEndTest.randomBytes(1024, 71);
    private static final byte[] FIRST_PART = EndToEndTest.randomBytes(PART, 72);

    @TempDir
    Path work;

    private Process depot;
    private File log;

    /** Every acknowledged thing found missing, by kind, and what exactly. */
    private final Map<String, Integer> lost = new TreeMap<>();
    private final List<String> problems = new ArrayList<>();

    @AfterEach
    void stopDepot() {
        if (depot != null) {
            depot.destroyForcibly();
        }
    }

    @Test
    void everyAcknowledgedCommandSurvivesASigkill() throws Exception {
        long began = System.nanoTime();
        Path data = work.resolve("data");
        Path archive = work.resolve("depot.jsa");
        List<String> classPath = childClassPath(work.resolve("classes"));
        List<Long> startMillis = new ArrayList<>();
        List<List<Long>> phases = new ArrayList<>();

        // The first life prepares the first iteration and stops gracefully, leaving a class archive behind that
        // halves the start of every later life.
        Api api = start(classPath, data, startMillis, "-XX:ArchiveClassesAtExit=" + archive);
        Prepared next = prepare(api, 1);
        long stopping = System.nanoTime();
        stopGracefully();
        long archiving = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopping);
        boolean archived = Files.isRegularFile(archive);
        String share = archived ? "-XX:SharedArchiveFile=" + archive : "-Xshare:auto";

        Acknowledged previous = null;
        for (int iteration = 1; iteration <= ITERATIONS; iteration++) {
            api = start(classPath, data, startMillis, share);
            long t0 = System.nanoTime();
            if (previous != null) {
                check(api, previous);
            }
            long t1 = System.nanoTime();
            Prepared current = next;
            next = iteration < ITERATIONS ? prepare(api, iteration + 1) : null;
            long t2 = System.nanoTime();
            previous = acknowledge(api, current);
            long t3 = System.nanoTime();
            depot.destroyForcibly().waitFor();
            phases.add(List.of((t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000,
                    (System.nanoTime() - t3) / 1_000_000));
        }
        api = start(classPath, data, startMillis, share);
        check(api, previous);
        depot.destroyForcibly().waitFor();

        long total = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
        List<Long> later = startMillis.subList(1, startMillis.size()).stream().sorted().toList();
        System.out.printf("KillAfterAcknowledgeTest: %d lives in %.1f s; first start %d ms, its stop %d ms "
                        + "(class archive %s), later starts median %d ms, min %d, max %d; lost %s%n",
                startMillis.size(), total / 1000.0, startMillis.get(0), archiving, archived ? "written" : "NOT written",
                later.get(later.size() / 2), later.get(0), later.get(later.size() - 1), lost);
        System.out.println("KillAfterAcknowledgeTest: start of each life (ms): " + startMillis);
        System.out.println("KillAfterAcknowledgeTest: check, prepare, acknowledge, kill of each life (ms): " + phases);
        assertThat(problems).as("acknowledged but gone after SIGKILL: %s", lost).isEmpty();
    }

    /** The uploads one iteration acknowledges: one to complete, one whose last part is reported. */
    private record Prepared(int iteration, String user, String completeId, String reportId, String lastEtag) {
    }

    /** What Depot answered when it acknowledged an iteration; null fields were not acknowledged. */
    private record Acknowledged(Prepared prepared, String fileId, Long version, boolean partReported) {
    }

    private Prepared prepare(Api api, int iteration) {
        String user = "ack-" + iteration;
        String token = api.token(user);

        JsonNode single = expect(api.post("/v1/uploads/initiate", token, Map.of("filename", "completed-" + iteration
                + ".bin", "content_type", "application/octet-stream", "size", SMALL.length)), 201).json();
        Map<String, String> headers = new HashMap<>();
        single.get("upload_headers").fields().forEachRemaining(h -> headers.put(h.getKey(), h.getValue().asText()));
        expect(api.putUrl(single.get("presigned_url").asText(), SMALL, headers), 200);

        JsonNode multipart = expect(api.post("/v1/uploads/initiate", token, Map.of("filename", "reported-" + iteration
                + ".bin", "content_type", "application/octet-stream", "size", PART + SMALL.length,
                "part_size", PART)), 201).json();
        String reportId = multipart.get("upload_id").asText();
        JsonNode urls = multipart.get("presigned_urls");
        String firstEtag = expect(api.putUrl(urls.get(0).asText(), FIRST_PART, Map.of()), 200).headers().get("etag").get(0);
        String lastEtag = expect(api.putUrl(urls.get(1).asText(), SMALL, Map.of()), 200).headers().get("etag").get(0);
        expect(api.post("/v1/uploads/" + reportId + "/parts/1", token, Map.of("etag", firstEtag)), 200);
        return new Prepared(iteration, user, single.get("upload_id").asText(), reportId, lastEtag);
    }

    /** Completes one upload and reports the other's last part at the same time; returns once both answered. */
    private Acknowledged acknowledge(Api api, Prepared prepared) {
        String token = api.token(prepared.user());
        var completing = CompletableFuture.supplyAsync(() -> api.post(completePath(prepared), token, Map.of(),
                Map.of("Idempotency-Key", "complete-" + prepared.iteration())));
        var reporting = CompletableFuture.supplyAsync(() -> api.post(reportPath(prepared), token,
                Map.of("etag", prepared.lastEtag()), Map.of("Idempotency-Key", "report-" + prepared.iteration())));
        Api.Response completed = completing.join();
        Api.Response reported = reporting.join();
        String fileId = null;
        Long version = null;
        if (completed.status() == 200) {
            fileId = completed.json().get("file_id").asText();
            version = completed.json().get("version").asLong();
        } else {
            lose("prepared upload", prepared, "complete answered " + completed.status() + " " + completed.body());
        }
        if (reported.status() != 200) {
            lose("prepared upload", prepared, "part report answered " + reported.status() + " " + reported.body());
        }
        return new Acknowledged(prepared, fileId, version, reported.status() == 200);
    }

    private void check(Api api, Acknowledged acknowledged) {
        Prepared prepared = acknowledged.prepared();
        String token = api.token(prepared.user());
        if (acknowledged.version() != null) {
            JsonNode upload = expect(api.get("/v1/uploads/" + prepared.completeId(), token), 200).json();
            if (!upload.get("status").asText().equals("completed")
                    || upload.path("version").asLong() != acknowledged.version()) {
                lose("completion", prepared, "upload is " + upload.get("status").asText() + " at version "
                        + upload.path("version") + ", acknowledged version " + acknowledged.version());
            } else {
                Api.Response file = fileShows(api, token, acknowledged.fileId(), acknowledged.version());
                if (file != null) {
                    lose("file version", prepared, "file " + acknowledged.fileId() + " never showed version "
                            + acknowledged.version() + ": " + file.status() + " " + file.body());
                }
            }
            keyHeld(api.post(completePath(prepared), token, Map.of(),
                    Map.of("Idempotency-Key", "complete-" + prepared.iteration())), prepared, "complete");
        }
        if (acknowledged.partReported()) {
            JsonNode upload = expect(api.get("/v1/uploads/" + prepared.reportId(), token), 200).json();
            List<Integer> parts = new ArrayList<>();
            upload.get("parts_uploaded").forEach(p -> parts.add(p.get("part_number").asInt()));
            if (!parts.contains(1)) {
                lose("part reported while preparing", prepared, "parts " + parts);
            }
            if (!parts.contains(2)) {
                lose("part report", prepared, "parts " + parts);
            }
            keyHeld(api.post(reportPath(prepared), token, Map.of("etag", prepared.lastEtag()),
                    Map.of("Idempotency-Key", "report-" + prepared.iteration())), prepared, "part report");
        }
    }

    /** The projections catch up after a restart; the query side must then show the acknowledged version. */
    private static Api.Response fileShows(Api api, String token, String fileId, long version) {
        List<Api.Response> last = new ArrayList<>(List.of(api.get("/v1/files/" + fileId, token)));
        try {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
                Api.Response file = api.get("/v1/files/" + fileId, token);
                last.set(0, file);
                return file.status() == 200 && file.json().get("version").asLong() == version;
            });
            return null;
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            return last.get(0);
        }
    }

    /** A retry with the key of an acknowledged request is answered from the key, never run as a new request. */
    private void keyHeld(Api.Response retry, Prepared prepared, String what) {
        boolean replayed = retry.status() == 200 && retry.headers().containsKey("Idempotent-Replayed");
        boolean inProgress = retry.status() == 409 && retry.isProblem()
                && retry.json().path("code").asText().equals("idempotency-key-in-progress");
        if (!replayed && !inProgress) {
            lose("idempotency key", prepared, what + " retried with its key answered " + retry.status()
                    + " as a new request: " + retry.body());
        }
    }

    private void lose(String kind, Prepared prepared, String detail) {
        lost.merge(kind, 1, Integer::sum);
        problems.add("iteration " + prepared.iteration() + ", " + kind + ": " + detail);
    }

    private static String completePath(Prepared prepared) {
        return "/v1/uploads/" + prepared.completeId() + "/complete";
    }

    private static String reportPath(Prepared prepared) {
        return "/v1/uploads/" + prepared.reportId() + "/parts/2";
    }

    private Api.Response expect(Api.Response response, int status) {
        assertThat(response.status()).as("%s (Depot's log: %s)", response.body(), log).isEqualTo(status);
        return response;
    }

    /** Starts the all-in-one on its embedded default under {@code data}; returns once it is healthy. */
    private Api start(List<String> classPath, Path data, List<Long> startMillis, String share) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // C1 only, serial GC and no perf data: this process lives a few seconds and starting it is what costs.
        List<String> command = List.of(java, "-Xmx512m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-XX:-UsePerfData", share, "-cp", String.join(File.pathSeparator, classPath),
                DepotApplication.class.getName(),
                "--server.port=0",
                "--depot.embedded.data-dir=" + data);
        log = work.resolve("depot-" + startMillis.size() + ".log").toFile();
        long launched = System.nanoTime();
        depot = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
        Process process = depot;
        File output = log;
        Api api = new Api(DepotProcess.awaitPort(process, output, Duration.ofSeconds(90)));
        try {
            await().atMost(Duration.ofSeconds(90)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(25))
                    .until(() -> healthy(api, process, output));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            String health;
            try {
                Api.Response answer = api.get("/health", null);
                health = answer.status() + " " + answer.body();
            } catch (RuntimeException unreachable) {
                health = unreachable.toString();
            }
            throw new AssertionError("life " + (startMillis.size() + 1) + " did not answer /health within 90 s ("
                    + health + ")\n" + unhealthy(process, output), e);
        }
        startMillis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - launched));
        return api;
    }

    /** What a start that never became healthy was doing: its threads, and the end of its log. */
    private static String unhealthy(Process process, File output) {
        StringBuilder found = new StringBuilder();
        try {
            Process dump = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(process.pid()), "Thread.print").redirectErrorStream(true).start();
            found.append(new String(dump.getInputStream().readAllBytes())).append('\n');
            List<String> lines = Files.readAllLines(output.toPath());
            found.append("the last lines of ").append(output).append(":\n")
                    .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 120), lines.size())));
        } catch (IOException e) {
            found.append("(could not read it: ").append(e).append(')');
        }
        return found.toString();
    }

    private static boolean healthy(Api api, Process process, File output) {
        assertThat(process.isAlive()).as("Depot exited; see " + output).isTrue();
        try {
            return api.get("/health", null).status() == 200;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private void stopGracefully() throws InterruptedException {
        depot.destroy();
        if (!depot.waitFor(2, TimeUnit.MINUTES)) {
            depot.destroyForcibly().waitFor();
        }
    }

    /**
     * This test's class path, with every directory of classes packed into a jar of its own in the same place: a
     * class archive refuses class paths with non-empty directories.
     */
    private static List<String> childClassPath(Path jars) throws IOException {
        Files.createDirectories(jars);
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path path = Path.of(entry);
            if (Files.isDirectory(path)) {
                Path jar = jars.resolve(entries.size() + ".jar");
                packDirectory(path, jar);
                entries.add(jar.toString());
            } else if (!entry.isEmpty()) {
                entries.add(entry);
            }
        }
        return entries;
    }

    /** A jar with the directory's files and its directory entries (Spring's classpath scanning needs them). */
    private static void packDirectory(Path directory, Path jar) throws IOException {
        Map<String, Path> contents = new LinkedHashMap<>();
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted().filter(p -> !p.equals(directory)).forEach(p -> contents.put(
                    directory.relativize(p).toString().replace(File.separatorChar, '/')
                            + (Files.isDirectory(p) ? "/" : ""), p));
        }
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
            for (Map.Entry<String, Path> content : contents.entrySet()) {
                out.putNextEntry(new JarEntry(content.getKey()));
                if (!content.getKey().endsWith("/")) {
                    Files.copy(content.getValue(), out);
                }
                out.closeEntry();
            }
        }
    }
}
