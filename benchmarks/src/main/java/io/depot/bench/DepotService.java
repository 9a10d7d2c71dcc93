package io.depot.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The all-in-one Depot under test, a process of its own on the event store's schema, a read-model store of its own
 * and S3Proxy, with limits lifted so that only the machine limits it; Redis for its rate limits when one answers.
 */
final class DepotService {

    private final Processes.Server server;
    private final Profiler profiler;
    private final double startupSeconds;
    private final Path logs;

    private DepotService(Processes.Server server, Profiler profiler, double startupSeconds, Path logs) {
        this.server = server;
        this.profiler = profiler;
        this.startupSeconds = startupSeconds;
        this.logs = logs;
    }

    /**
     * Starts the service; an upload that names no part size (a tus upload, a one-part file) gets parts of
     * {@code partSize}, the size the benchmarks send.
     */
    static DepotService start(Processes processes, Path work, Path root, Processes.Server s3, EventStore eventStore,
                              long partSize) throws IOException, InterruptedException {
        // mongo-java-server keeps every document as Java objects: the 1,000,000 download records of f and their
        // rebuilt copy outgrew 2 GiB (OutOfMemoryError in the store, f stalled).
        Processes.Server readModels = processes.startMain(ReadModelStore.class, "6g", work.resolve("mongo.log"));
        Processes.awaitPort(readModels.port(), Duration.ofSeconds(60));
        int port = Processes.freePort();
        Map<String, String> env = new HashMap<>();
        env.put("PORT", Integer.toString(port));
        env.put("DEPOT_DATA_DIR", work.resolve("depot").toString());
        env.put("DEPOT_JDBC_URL", eventStore.url());
        env.put("DEPOT_JDBC_USER", EventStore.USER);
        env.put("DEPOT_S3_ENDPOINT", "http://127.0.0.1:" + s3.port());
        env.put("DEPOT_MONGO_URI", "mongodb://127.0.0.1:" + readModels.port());
        env.put("DEPOT_S3_ACCESS_KEY", S3Proxy.ACCESS_KEY);
        env.put("DEPOT_S3_SECRET_KEY", S3Proxy.SECRET_KEY);
        if (Processes.reachable(6379)) {
            env.put("DEPOT_REDIS_URI", "redis://127.0.0.1:6379");
            env.put("DEPOT_LIMITS_KEY_PREFIX", "depot-bench:" + System.nanoTime() + ":");
        }
        for (String op : List.of("INITIATE", "PART", "COMPLETE", "DOWNLOAD")) {
            env.put("DEPOT_LIMITS_" + op + "_PER_USER", "100000000/1m");
            env.put("DEPOT_LIMITS_" + op + "_PER_ADDRESS", "100000000/1m");
        }
        env.put("DEPOT_UPLOAD_DEFAULTPARTSIZE", Long.toString(partSize));
        env.put("DEPOT_LIMITS_MAX_OPEN_UPLOADS_PER_USER", "1000000");
        env.put("DEPOT_LIMITS_DAILY_BYTES_PER_USER", "1000TB");
        Path jar = root.resolve("infra/all-in-one/target/depot.jar");
        long started = System.nanoTime();
        // Deep stacks, so that a profile sample reaches from the innermost call out to the library that made it.
        List<String> command = new ArrayList<>(List.of(Processes.javaTool("java"), "-Xmx1g",
                "-XX:FlightRecorderOptions=stackdepth=512",
                // A service out of memory is a finding: keep the heap, and stop rather than limp on without threads.
                "-XX:+HeapDumpOnOutOfMemoryError", "-XX:HeapDumpPath=" + work.resolve("depot.hprof"),
                "-XX:+ExitOnOutOfMemoryError"));
        String recording = System.getenv("DEPOT_BENCH_JFR");
        if (recording != null && !recording.isBlank()) {
            // A flight recording of the service for the whole run, to find where its time goes.
            command.add("-XX:StartFlightRecording=settings=profile,filename=" + Path.of(recording).toAbsolutePath());
        }
        command.addAll(List.of("-jar", jar.toString()));
        Process p = processes.start(command, env, work.resolve("depot.log"));
        Profiler profiler = new Profiler(p.pid(), root.resolve("benchmarks/target/profiles"));
        Processes.awaitHealth("http://127.0.0.1:" + port + "/health", Duration.ofMinutes(2), p, work);
        return new DepotService(new Processes.Server(port, p), profiler, (System.nanoTime() - started) / 1e9, work);
    }

    int port() {
        return server.port();
    }

    long pid() {
        return server.pid();
    }

    /** Flight recordings of this service, one benchmark each. */
    Profiler profiler() {
        return profiler;
    }

    /** From the start of its JVM to a healthy {@code /health}. */
    double startupSeconds() {
        return startupSeconds;
    }

    /** Throws when the service has exited: a benchmark waiting on it would wait in vain. */
    void requireRunning() {
        if (!server.process().isAlive()) {
            throw new IllegalStateException("the service exited (" + server.process().exitValue() + "); see " + logs);
        }
    }
}
