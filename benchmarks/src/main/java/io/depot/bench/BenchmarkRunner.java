package io.depot.bench;

import com.fasterxml.jackson.databind.JsonNode;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Runs every benchmark against real processes: S3Proxy on its own, the all-in-one Depot on PostgreSQL and that
 * S3Proxy, a bare WebFlux server for comparison, and clamd with a scanning worker ({@link ScanBenchmark}). Writes
 * {@code docs/benchmarks.md}. {@code --smoke} runs the same code with small sizes and one run each, to keep it
 * working; its figures mean nothing.
 */
public final class BenchmarkRunner {

    private static final long MIB = 1024 * 1024;
    private static final String PG_URL = System.getenv().getOrDefault("DEPOT_BENCH_JDBC_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    private static final String PG_USER = System.getenv().getOrDefault("DEPOT_BENCH_JDBC_USER", "postgres");
    private static final String S3_ACCESS_KEY = "depot";
    private static final String S3_SECRET_KEY = "depot-bench-secret";

    private final boolean smoke;
    private final String only;
    private final Path root;
    private final Path work;
    private final Processes processes = new Processes();
    private final Map<String, List<String>> sections = new LinkedHashMap<>();
    private final List<String[]> summary = new ArrayList<>();
    private final Random random = new Random(42);
    private boolean failed;
    private final AtomicInteger reportRetries = new AtomicInteger();

    private int s3Port;
    private long s3Pid;
    private int depotPort;
    private long depotPid;
    private Process depotProcess;
    private Profiler profiler;
    private int barePort;
    private long barePid;
    private int mongoPort;
    private String schema;
    private DepotClient depot;
    private String user;
    private String admin;
    private double startupSeconds;
    private double idleRssMiB;

    private BenchmarkRunner(boolean smoke, String only, Path root) throws IOException {
        this.smoke = smoke;
        this.only = only;
        this.root = root;
        this.work = Files.createTempDirectory("depot-bench-");
    }

    public static void main(String[] args) throws Exception {
        boolean smoke = Arrays.asList(args).contains("--smoke");
        // --only=dg runs benchmarks d and g alone, to profile or tune them, into benchmarks/target/benchmarks-dg.md;
        // --only=j (virus scanning) starts S3Proxy and clamd only, not the service.
        String only = Arrays.stream(args).filter(a -> a.startsWith("--only=")).map(a -> a.substring(7)).findFirst()
                .orElse(null);
        Path root = Path.of(System.getProperty("depot.root", ".")).toAbsolutePath().normalize();
        BenchmarkRunner runner = new BenchmarkRunner(smoke, only, root);
        int status = 1;
        try {
            runner.run();
            status = 0;
        } catch (Exception e) {
            e.printStackTrace();
        } finally {
            runner.processes.stopAll();
            runner.dropSchema();
        }
        // Client pools of the load driver may still hold threads: the run is over either way.
        System.exit(status);
    }

    private int runs() {
        return smoke ? 1 : 5;
    }

    private void run() throws Exception {
        startS3Proxy();
        // Scanning (j) needs S3Proxy and a clamd of its own, not the service.
        if (wanted("abcdefghi")) {
            startStores();
            startDepot();
            startBare();
            depot = new DepotClient(depotPort);
            user = depot.token("bench");
            admin = depot.post("/v1/dev/tokens", null, Map.of("user_id", "bench-admin", "roles", List.of("admin")))
                    .expect(200).json().get("access_token").asText();
            Thread.sleep(smoke ? 1000 : 5000);
            idleRssMiB = Processes.rssMiB(depotPid);

            long dataSize = smoke ? 32 * MIB : 1024 * MIB;
            long partSize = smoke ? 8 * MIB : 16 * MIB;
            byte[] data = new byte[(int) dataSize];
            random.nextBytes(data);

            attempt("ab", () -> benchmarkDataPath(data, partSize));
            attempt("c", this::benchmarkPresign);
            attempt("d", this::benchmarkDownloadUrls);
            attempt("e", this::benchmarkLifecycles);
            attempt("g", () -> benchmarkRetries(data, partSize));
            attempt("h", () -> benchmarkPeer(data, partSize));
            attempt("i", () -> benchmarkMemory(partSize));
            attempt("f", this::benchmarkReplay);
        }
        attempt("j", () -> new ScanBenchmark(processes, work, s3Port, s3Pid, S3_ACCESS_KEY, S3_SECRET_KEY, smoke)
                .run(section("j. Virus scanning: " + (smoke ? "8 MiB" : "1 GiB") + " through clamd"),
                        (what, measured, target, met) -> summary.add(row("j", what, measured, target, met))));
        write();
        if (failed) {
            throw new IllegalStateException("a benchmark failed; see above");
        }
    }

    interface Benchmark {
        void run() throws Exception;
    }

    /** Runs one benchmark; a failure is reported in place of its figures, and the others still run. */
    private void attempt(String letters, Benchmark benchmark) {
        if (!wanted(letters)) {
            return;
        }
        try {
            benchmark.run();
        } catch (Exception e) {
            failed = true;
            e.printStackTrace();
            summary.add(row(letters, "benchmark " + letters, "failed: " + e, "", false));
        }
    }

    private boolean wanted(String letters) {
        return only == null || letters.chars().anyMatch(c -> only.indexOf(c) >= 0);
    }

    // ---- environment ---------------------------------------------------------------------------------------

    private void startS3Proxy() throws Exception {
        s3Port = Processes.freePort();
        Path s3Dir = Files.createDirectories(work.resolve("s3"));
        Path properties = work.resolve("s3proxy.conf");
        Files.writeString(properties, String.join("\n",
                "s3proxy.endpoint=http://127.0.0.1:" + s3Port,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + S3_ACCESS_KEY,
                "s3proxy.credential=" + S3_SECRET_KEY,
                "jclouds.provider=filesystem",
                "jclouds.identity=unused",
                "jclouds.credential=unused",
                "jclouds.filesystem.basedir=" + s3Dir) + "\n");
        Path logback = work.resolve("s3proxy-logback.xml");
        try (InputStream in = BenchmarkRunner.class.getResourceAsStream("/s3proxy-logback.xml")) {
            Files.copy(in, logback);
        }
        Process s3 = processes.start(List.of(Processes.javaTool("java"), "-Xmx512m",
                        "-Dlogback.configurationFile=" + logback, "-cp", System.getProperty("java.class.path"),
                        "org.gaul.s3proxy.Main", "--properties", properties.toString()),
                Map.of(), work.resolve("s3proxy.log"));
        s3Pid = s3.pid();
        awaitPort(s3Port, Duration.ofSeconds(60));
    }

    private void startStores() throws Exception {
        mongoPort = Processes.freePort();
        processes.start(List.of(Processes.javaTool("java"), "-Xmx2g", "-cp", System.getProperty("java.class.path"),
                ReadModelStore.class.getName(), Integer.toString(mongoPort)), Map.of(), work.resolve("mongo.log"));
        awaitPort(mongoPort, Duration.ofSeconds(60));

        schema = "depot_bench_" + System.currentTimeMillis();
        try (Connection c = DriverManager.getConnection(PG_URL, PG_USER, "")) {
            c.createStatement().execute("CREATE SCHEMA " + schema);
        }
    }

    private void startDepot() throws Exception {
        depotPort = Processes.freePort();
        Map<String, String> env = new HashMap<>();
        env.put("PORT", Integer.toString(depotPort));
        env.put("DEPOT_DATA_DIR", work.resolve("depot").toString());
        env.put("DEPOT_JDBC_URL", PG_URL + "?currentSchema=" + schema);
        env.put("DEPOT_JDBC_USER", PG_USER);
        env.put("DEPOT_S3_ENDPOINT", "http://127.0.0.1:" + s3Port);
        env.put("DEPOT_MONGO_URI", "mongodb://127.0.0.1:" + mongoPort);
        env.put("DEPOT_S3_ACCESS_KEY", S3_ACCESS_KEY);
        env.put("DEPOT_S3_SECRET_KEY", S3_SECRET_KEY);
        if (reachable(6379)) {
            env.put("DEPOT_REDIS_URI", "redis://127.0.0.1:6379");
            env.put("DEPOT_LIMITS_KEY_PREFIX", "depot-bench:" + System.nanoTime() + ":");
        }
        for (String op : List.of("INITIATE", "PART", "COMPLETE", "DOWNLOAD")) {
            env.put("DEPOT_LIMITS_" + op + "_PER_USER", "100000000/1m");
            env.put("DEPOT_LIMITS_" + op + "_PER_ADDRESS", "100000000/1m");
        }
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
        depotPid = p.pid();
        depotProcess = p;
        profiler = new Profiler(depotPid, root.resolve("benchmarks/target/profiles"));
        awaitHealth("http://127.0.0.1:" + depotPort + "/health", Duration.ofMinutes(2), p);
        startupSeconds = (System.nanoTime() - started) / 1e9;
    }

    private void startBare() throws Exception {
        barePort = Processes.freePort();
        Process bare = processes.start(List.of(Processes.javaTool("java"), "-Xmx256m", "-cp",
                System.getProperty("java.class.path"), BareServer.class.getName(), Integer.toString(barePort)), Map.of(),
                work.resolve("bare.log"));
        barePid = bare.pid();
        awaitHealth("http://127.0.0.1:" + barePort + "/bare", Duration.ofSeconds(60), bare);
    }

    private void dropSchema() {
        if (schema == null) {
            return;
        }
        try (Connection c = DriverManager.getConnection(PG_URL, PG_USER, "")) {
            c.createStatement().execute("DROP SCHEMA " + schema + " CASCADE");
        } catch (Exception e) {
            System.err.println("could not drop " + schema + ": " + e);
        }
    }

    // ---- a, b: the data path -------------------------------------------------------------------------------

    private void benchmarkDataPath(byte[] data, long partSize) throws Exception {
        List<String> lines = section("a, b. Data path: through the service against presigned PUTs to the same S3Proxy");
        double gib = data.length / (double) (1024 * MIB);
        // One untimed upload each way first: the service's first requests load classes and feed the JIT.
        for (String mode : List.of("service", "presigned")) {
            dataPathRun(mode, 4, data, partSize, "warm-up-" + mode, null);
        }
        Map<String, Stats> speed = new LinkedHashMap<>();
        Map<String, Stats> serviceCpu = new LinkedHashMap<>();
        Map<String, Stats> serviceJit = new LinkedHashMap<>();
        Map<String, Stats> storeCpu = new LinkedHashMap<>();
        Map<String, Stats> storeJit = new LinkedHashMap<>();
        Map<String, Stats> clientCpu = new LinkedHashMap<>();
        Map<String, Stats> controlCpu = new LinkedHashMap<>();
        Map<String, Stats> controlJit = new LinkedHashMap<>();
        List<Double> verifyCpu = new ArrayList<>();
        List<String> profiles = new ArrayList<>();
        for (int parallel : new int[]{1, 4}) {
            // "presigned": PUTs to the presigned URLs, then complete with the part list, as S3 clients do;
            // "reported": the same, reporting each part after its PUT (Depot's progress checkpoints, for resuming).
            List<String> modes = parallel == 1 ? List.of("service", "presigned") : List.of("service", "presigned", "reported");
            Map<String, List<DataPathRun>> results = new LinkedHashMap<>();
            for (int run = 0; run < runs(); run++) {
                for (String mode : modes) {
                    DataPathRun result = dataPathRun(mode, parallel, data, partSize, mode + "-" + parallel + "-" + run,
                            null);
                    results.computeIfAbsent(mode, m -> new ArrayList<>()).add(result);
                    if (result.verifyCpu() >= 0) {
                        verifyCpu.add(result.verifyCpu());
                    }
                }
            }
            results.forEach((mode, runs) -> {
                String key = mode + "-" + parallel;
                speed.put(key, Stats.of(runs.stream().map(r -> data.length / 1e6 / r.seconds()).toList()));
                serviceCpu.put(key, Stats.of(runs.stream().map(r -> r.serviceWork() / gib).toList()));
                serviceJit.put(key, Stats.of(runs.stream().map(r -> r.serviceJit() / gib).toList()));
                storeCpu.put(key, Stats.of(runs.stream().map(r -> r.storeWork() / gib).toList()));
                storeJit.put(key, Stats.of(runs.stream().map(r -> r.storeJit() / gib).toList()));
                clientCpu.put(key, Stats.of(runs.stream().map(r -> r.client() / gib).toList()));
                if (parallel == 4 && !mode.equals("service")) {
                    controlCpu.put(mode, Stats.of(runs.stream().map(DataPathRun::controlWork).toList()));
                    controlJit.put(mode, Stats.of(runs.stream().map(DataPathRun::controlJit).toList()));
                }
            });
        }
        // Profiled apart, after the measured runs: starting a recording instruments some of the JDK's classes, and
        // the JIT then compiles again what depends on them, which would weigh on a measured run.
        profiles.add("");
        profiles.add("a. " + String.join("\n", dataPathRun("service", 1, data, partSize, "profiled-a", "a-service")
                .profile()));
        profiles.add("");
        profiles.add("b. " + String.join("\n", dataPathRun("presigned", 4, data, partSize, "profiled-b", "b-presigned")
                .profile()));
        lines.add(String.format("Part reports sent again because S3Proxy could not list the parts at that moment: %d.",
                reportRetries.get()));
        lines.add(String.format("%s of random bytes in %d MiB parts, after one untimed upload each way. Each run "
                + "initiates, sends every part, then aborts; with 4 parts at a time the presigned runs complete instead "
                + "(for b). Presigned: PUTs to the presigned URLs, then complete with the part list, as S3 clients do; "
                + "reported: the same, reporting each part to Depot after its PUT (the progress checkpoints a "
                + "resuming client uses). MB/s over the parts phase. CPU seconds per GiB from /proc over the same "
                + "phase, without the JIT compiler threads, whose own CPU is in the JIT columns: a fresh JVM compiles "
                + "for minutes, which is a cost of starting, not of the bytes moved. The client is this runner's own "
                + "process, all of its CPU. Client, service and S3Proxy share the machine's cores.", size(data.length),
                partSize / MIB));
        lines.add("");
        lines.add("| path | parts at a time | MB/s | service CPU s/GiB | service JIT s/GiB | S3Proxy CPU s/GiB | "
                + "S3Proxy JIT s/GiB | client CPU s/GiB |");
        lines.add("|---|---|---|---|---|---|---|---|");
        for (String key : speed.keySet()) {
            String[] k = key.split("-");
            lines.add(String.format("| %s | %s | %s | %s | %s | %s | %s | %s |", k[0], k[1],
                    speed.get(key).format("", 1), serviceCpu.get(key).format("", 2), serviceJit.get(key).format("", 2),
                    storeCpu.get(key).format("", 2), storeJit.get(key).format("", 2), clientCpu.get(key).format("", 2)));
        }
        for (int parallel : new int[]{1, 4}) {
            double ratio = speed.get("service-" + parallel).median() / speed.get("presigned-" + parallel).median();
            boolean cpuBelow = serviceCpu.get("service-" + parallel).median() < storeCpu.get("service-" + parallel).median();
            summary.add(row("a", "through the service / presigned, " + parallel + " at a time",
                    String.format("%.2f (%.0f / %.0f MB/s); service %.2f vs S3Proxy %.2f CPU s/GiB", ratio,
                            speed.get("service-" + parallel).median(), speed.get("presigned-" + parallel).median(),
                            serviceCpu.get("service-" + parallel).median(), storeCpu.get("service-" + parallel).median()),
                    ">= 0.9; service CPU below the store's", ratio >= 0.9 && cpuBelow));
        }
        Stats verify = Stats.of(verifyCpu);
        lines.add("");
        lines.add("b. A presigned multipart upload, 4 parts at a time, from initiate to the completed response: the service "
                + "spent " + controlCpu.get("presigned").format("CPU s", 3) + " (and its JIT compilers "
                + controlJit.get("presigned").format("s", 3) + "); reporting each part as well, "
                + controlCpu.get("reported").format("CPU s", 3) + " (JIT " + controlJit.get("reported").format("s", 3)
                + "). Verifying the new version afterwards (the worker reads the object to compute its SHA-256, "
                + "`depot.finalize.compute-sha256`) spent " + verify.format("CPU s", 2) + ".");
        summary.add(row("b", "service CPU for a presigned " + size(data.length) + " upload (initiate to complete)",
                String.format("%.3f s; %.3f s reporting each part (+ %.2f s SHA-256 verification)",
                        controlCpu.get("presigned").median(), controlCpu.get("reported").median(), verify.median()),
                "<= 0.2 s", controlCpu.get("presigned").median() <= 0.2));
        lines.addAll(profiles);
    }

    /** CPU seconds are without the JIT compiler threads', which are given apart; verifyCpu is -1 when not completed. */
    record DataPathRun(double seconds, double serviceWork, double serviceJit, double storeWork, double storeJit,
                       double client, double controlWork, double controlJit, double verifyCpu, List<String> profile) {
    }

    /**
     * One upload of {@code data}; an upload with 4 presigned parts at a time is completed, any other aborted. With a
     * {@code profile} name, the service is recorded from initiate to the last part, or to the completed response.
     */
    private DataPathRun dataPathRun(String mode, int parallel, byte[] data, long partSize, String name, String profile)
            throws Exception {
        boolean complete = !mode.equals("service") && parallel == 4;
        List<String> profileLines = List.of();
        if (profile != null) {
            profiler.start(profile);
        }
        double control0 = Processes.workSeconds(depotPid);
        double controlJit0 = Processes.jitSeconds(depotPid);
        JsonNode upload = depot.initiate(user, "data-" + name + ".bin", data.length, partSize);
        String uploadId = upload.get("upload_id").asText();
        double service0 = Processes.workSeconds(depotPid);
        double serviceJit0 = Processes.jitSeconds(depotPid);
        double store0 = Processes.workSeconds(s3Pid);
        double storeJit0 = Processes.jitSeconds(s3Pid);
        double client0 = Processes.cpuSeconds(ProcessHandle.current().pid());
        long t0 = System.nanoTime();
        Map<Integer, String> etags = uploadParts(upload, data, partSize, parallel, mode);
        long t1 = System.nanoTime();
        double service1 = Processes.workSeconds(depotPid);
        double serviceJit1 = Processes.jitSeconds(depotPid);
        double store1 = Processes.workSeconds(s3Pid);
        double storeJit1 = Processes.jitSeconds(s3Pid);
        double client1 = Processes.cpuSeconds(ProcessHandle.current().pid());
        if (profile != null && !complete) {
            profileLines = profiler.stop(profile, "from initiate to the last part of an upload through the service, "
                    + parallel + " part(s) at a time, after the measured runs");
        }
        double controlWork = -1;
        double controlJit = -1;
        double verify = -1;
        if (complete) {
            List<Map<String, Object>> parts = new ArrayList<>();
            etags.forEach((number, etag) -> parts.add(Map.of("part_number", number, "etag", etag)));
            String fileId = depot.post("/v1/uploads/" + uploadId + "/complete", user,
                    mode.equals("presigned") ? Map.of("parts", parts) : null).expect(200).json().get("file_id").asText();
            double completed = Processes.cpuSeconds(depotPid);
            controlWork = Processes.workSeconds(depotPid) - control0;
            controlJit = Processes.jitSeconds(depotPid) - controlJit0;
            if (profile != null) {
                profileLines = profiler.stop(profile, "from initiate to the completed response of a presigned upload, "
                        + parallel + " parts at a time, after the measured runs");
            }
            awaitAvailable(fileId);
            verify = Processes.cpuSeconds(depotPid) - completed;
            depot.delete("/v1/files/" + fileId, user).expect(204);
        } else {
            depot.delete("/v1/uploads/" + uploadId, user).expect(204);
        }
        return new DataPathRun((t1 - t0) / 1e9, service1 - service0, serviceJit1 - serviceJit0, store1 - store0,
                storeJit1 - storeJit0, client1 - client0, controlWork, controlJit, verify, profileLines);
    }

    /** Sends every part: through the service, or to its presigned URL (and reported, in mode "reported"). */
    private Map<Integer, String> uploadParts(JsonNode upload, byte[] data, long partSize, int parallel, String mode)
            throws Exception {
        String uploadId = upload.get("upload_id").asText();
        int parts = upload.get("part_count").asInt();
        Map<Integer, String> etags = new java.util.concurrent.ConcurrentSkipListMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        try {
            List<Future<?>> sent = new ArrayList<>();
            for (int part = 1; part <= parts; part++) {
                int number = part;
                int offset = (int) ((number - 1) * partSize);
                int length = (int) Math.min(partSize, data.length - offset);
                sent.add(pool.submit(() -> {
                    if (mode.equals("service")) {
                        depot.put("/v1/uploads/" + uploadId + "/parts/" + number, user, data, offset, length).expect(200);
                    } else {
                        String url = upload.get("presigned_urls").get(number - 1).asText();
                        String etag = depot.putUrl(depot.http, url, data, offset, length, Map.of());
                        etags.put(number, etag);
                        if (mode.equals("reported")) {
                            reportPart(uploadId, number, etag);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : sent) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        return etags;
    }

    /**
     * Reports a part put to its presigned URL, as a resuming client does: a report the service could not check is
     * sent again. S3Proxy's filesystem store fails a part listing while another part of the same upload is being
     * written (it trips over the part's temporary file); with four parts in flight that can outlast the service's
     * own retries.
     */
    private void reportPart(String uploadId, int number, String etag) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            DepotClient.Reply reply = depot.post("/v1/uploads/" + uploadId + "/parts/" + number, user, Map.of("etag", etag));
            if (reply.status() == 200) {
                return;
            }
            if (attempt == 20 || !reply.body().contains("storage refused the request")) {
                reply.expect(200);
            }
            reportRetries.incrementAndGet();
            Thread.sleep(500);
        }
    }

    // ---- c: presigning -------------------------------------------------------------------------------------

    private void benchmarkPresign() throws Exception {
        List<String> lines = section("c. Presigned URLs");
        var options = new OptionsBuilder().include(PresignBenchmark.class.getName()).forks(1)
                .warmupIterations(smoke ? 1 : 3).warmupTime(TimeValue.seconds(1))
                .measurementIterations(smoke ? 1 : 5).measurementTime(TimeValue.seconds(smoke ? 1 : 2))
                .jvmArgs("-Xmx512m").build();
        Map<String, double[]> scores = new LinkedHashMap<>();
        for (RunResult result : new Runner(options).run()) {
            String name = result.getParams().getBenchmark();
            scores.put(name.substring(name.lastIndexOf('.') + 1), new double[]{result.getPrimaryResult().getScore(),
                    result.getPrimaryResult().getScoreError()});
        }
        double[] depotScore = scores.get("depotSigner");
        double[] sdkScore = scores.get("sdkPresigner");
        lines.add(String.format("JMH (`PresignBenchmark`, 1 fork, %d measurement iterations), µs per presigned part URL: "
                        + "Depot's signer %.2f ± %.2f; the AWS SDK's presigner %.2f ± %.2f.", smoke ? 1 : 5,
                depotScore[0], Double.isNaN(depotScore[1]) ? 0 : depotScore[1], sdkScore[0],
                Double.isNaN(sdkScore[1]) ? 0 : sdkScore[1]));
        summary.add(row("c", "one presigned part URL (JMH)", String.format("%.2f µs (SDK presigner: %.2f µs)",
                depotScore[0], sdkScore[0]), "<= 20 µs", depotScore[0] <= 20));

        int parts = smoke ? 1000 : 10_000;
        List<Double> seconds = new ArrayList<>();
        for (int run = 0; run < runs(); run++) {
            long t0 = System.nanoTime();
            JsonNode upload = depot.initiate(user, "many-parts-" + run + ".bin", parts * 5 * MIB, 5 * MIB);
            seconds.add((System.nanoTime() - t0) / 1e9);
            if (upload.get("presigned_urls").size() != parts) {
                throw new IllegalStateException("expected " + parts + " URLs");
            }
            depot.delete("/v1/uploads/" + upload.get("upload_id").asText(), user).expect(204);
        }
        Stats initiate = Stats.of(seconds);
        lines.add("Initiating an upload of " + parts + " parts of 5 MiB, answered with every part's URL: " + initiate.format("s", 3) + ".");
        summary.add(row("c", "initiate a " + parts + "-part upload", String.format("%.3f s", initiate.median()), "<= 0.5 s",
                initiate.median() <= 0.5));
    }

    // ---- d: download URLs ------------------------------------------------------------------------------------

    private void benchmarkDownloadUrls() throws Exception {
        List<String> lines = section("d. Download-URL endpoint against a bare WebFlux endpoint");
        String fileId = smallFile("hot.bin");
        String depotUrl = depot.base + "/v1/files/" + fileId + "/download?expiry=60";
        String bareUrl = "http://127.0.0.1:" + barePort + "/bare";
        Duration duration = Duration.ofSeconds(smoke ? 2 : 10);
        lines.add("Closed loop: N client threads each send the next request when the last is answered, for "
                + duration.toSeconds() + " s after 2 s of warm-up; the client runs on the same 2 cores as the servers.");
        lines.add("");
        lines.add("| endpoint | clients | req/s | p50 ms | p99 ms | server CPU ms per request | machine CPU busy |");
        lines.add("|---|---|---|---|---|---|---|");
        List<String> profile = List.of();
        for (int clients : new int[]{16, 64}) {
            List<Load> depotRuns = new ArrayList<>();
            List<Load> bareRuns = new ArrayList<>();
            for (int run = 0; run < runs(); run++) {
                depotRuns.add(load(depotUrl, user, clients, duration, depotPid));
                bareRuns.add(load(bareUrl, null, clients, duration, barePid));
            }
            if (clients == 16) {
                // Profiled apart: starting a recording sets the JIT compiling again for a while.
                profiler.start("d");
                load(depotUrl, user, clients, duration, depotPid);
                profile = profiler.stop("d", "during one more run with 16 clients, after the measured ones");
            }
            Load d = Load.median(depotRuns);
            Load b = Load.median(bareRuns);
            lines.add(String.format("| Depot download URL | %d | %s | %.2f | %.2f | %s | %.0f%% |", clients,
                    Stats.of(depotRuns.stream().map(Load::perSecond).toList()).format("", 0), d.p50(), d.p99(),
                    Stats.of(depotRuns.stream().map(Load::cpuMillisPerRequest).toList()).format("", 3),
                    d.machineBusy() * 100));
            lines.add(String.format("| bare WebFlux | %d | %s | %.2f | %.2f | %s | %.0f%% |", clients,
                    Stats.of(bareRuns.stream().map(Load::perSecond).toList()).format("", 0), b.p50(), b.p99(),
                    Stats.of(bareRuns.stream().map(Load::cpuMillisPerRequest).toList()).format("", 3),
                    b.machineBusy() * 100));
            summary.add(row("d", "download URLs, " + clients + " clients",
                    String.format("%.0f req/s, p99 %.1f ms (bare: %.0f req/s, p99 %.1f ms)", d.perSecond(), d.p99(),
                            b.perSecond(), b.p99()), ">= 5,000 req/s, p99 <= 10 ms", d.perSecond() >= 5000 && d.p99() <= 10));
        }
        long target = smoke ? 2_000 : 100_000;
        long recorded = downloadsRecorded();
        while (recorded < target) {
            load(depotUrl, user, 64, Duration.ofSeconds(5), depotPid);
            recorded = downloadsRecorded();
        }
        List<Load> after = new ArrayList<>();
        for (int run = 0; run < runs(); run++) {
            after.add(load(depotUrl, user, 64, duration, depotPid));
        }
        Load a = Load.median(after);
        lines.add(String.format("| Depot, file with %,d earlier downloads | 64 | %s | %.2f | %.2f | %s | %.0f%% |",
                recorded, Stats.of(after.stream().map(Load::perSecond).toList()).format("", 0), a.p50(), a.p99(),
                Stats.of(after.stream().map(Load::cpuMillisPerRequest).toList()).format("", 3), a.machineBusy() * 100));
        lines.add("");
        lines.add("Server CPU per request: the server process's user and system CPU over the measured seconds, without "
                + "its JIT compiler threads, divided by the requests answered in them (Depot's includes the "
                + "download-history projection and other background work running meanwhile). Machine CPU busy: the "
                + "share of all cores busy over the same seconds (the median run's), whatever ran on them: the load "
                + "driver, the server, and for Depot also PostgreSQL, Redis and the read-model store.");
        lines.add("");
        lines.addAll(profile);
        summary.add(row("d", String.format("download URLs after %,d downloads of the file", recorded),
                String.format("%.0f req/s, p99 %.1f ms", a.perSecond(), a.p99()), "flat", true));
    }

    /** FileDownloaded events in the store: before the replay benchmark, all of them are the hot file's. */
    private long downloadsRecorded() throws Exception {
        try (Connection c = DriverManager.getConnection(PG_URL + "?currentSchema=" + schema, PG_USER, "")) {
            var rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM domainevententry WHERE payloadtype = "
                    + "'io.depot.file.FileDownloadedEvent'");
            rs.next();
            return rs.getLong(1);
        }
    }

    record Load(double perSecond, double p50, double p99, long errors, double cpuMillisPerRequest, double machineBusy) {
        static Load median(List<Load> runs) {
            List<Load> sorted = new ArrayList<>(runs);
            sorted.sort((x, y) -> Double.compare(x.perSecond(), y.perSecond()));
            return sorted.get(sorted.size() / 2);
        }
    }

    private Load load(String url, String token, int clients, Duration duration, long serverPid) throws Exception {
        ExecutorService clientThreads = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "load-client");
            t.setDaemon(true);
            return t;
        });
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(clientThreads).build();
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET();
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        HttpRequest request = builder.build();
        AtomicBoolean measuring = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger errors = new AtomicInteger();
        List<long[]> latencies = new ArrayList<>();
        List<int[]> counts = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<?>> workers = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            long[] samples = new long[2_000_000 / clients];
            int[] count = new int[1];
            latencies.add(samples);
            counts.add(count);
            workers.add(pool.submit(() -> {
                while (!stop.get()) {
                    long t0 = System.nanoTime();
                    try {
                        HttpResponse<Void> r = client.send(request, HttpResponse.BodyHandlers.discarding());
                        if (r.statusCode() != 200) {
                            errors.incrementAndGet();
                        }
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    }
                    if (measuring.get() && count[0] < samples.length) {
                        samples[count[0]++] = System.nanoTime() - t0;
                    }
                }
                return null;
            }));
        }
        Thread.sleep(2000);
        double cpu0 = Processes.workSeconds(serverPid);
        double machine0 = Processes.machineBusySeconds();
        measuring.set(true);
        long t0 = System.nanoTime();
        Thread.sleep(duration.toMillis());
        measuring.set(false);
        long elapsed = System.nanoTime() - t0;
        double cpu = Processes.workSeconds(serverPid) - cpu0;
        double machine = Processes.machineBusySeconds() - machine0;
        stop.set(true);
        for (Future<?> w : workers) {
            w.get();
        }
        pool.shutdown();
        clientThreads.shutdown();
        int total = counts.stream().mapToInt(c -> c[0]).sum();
        long[] all = new long[total];
        int at = 0;
        for (int i = 0; i < clients; i++) {
            System.arraycopy(latencies.get(i), 0, all, at, counts.get(i)[0]);
            at += counts.get(i)[0];
        }
        Arrays.sort(all);
        if (errors.get() > 0) {
            System.err.println(url + ": " + errors.get() + " failed requests");
        }
        return new Load(total / (elapsed / 1e9), Stats.percentile(all, 50), Stats.percentile(all, 99), errors.get(),
                total == 0 ? 0 : cpu * 1000 / total, machine / (elapsed / 1e9) / Runtime.getRuntime().availableProcessors());
    }

    // ---- e: whole lifecycles ---------------------------------------------------------------------------------

    private void benchmarkLifecycles() throws Exception {
        List<String> lines = section("e. Upload lifecycles and the lag until the query side shows the file");
        int clients = 8;
        Duration duration = Duration.ofSeconds(smoke ? 2 : 10);
        List<Double> rates = new ArrayList<>();
        List<Long> lags = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Double> cpuPerLifecycle = new ArrayList<>();
        List<String> profile = List.of();
        byte[] body = new byte[1024];
        random.nextBytes(body);
        for (int run = 0; run <= runs(); run++) {
            // One run more than measured, profiled: starting a recording sets the JIT compiling again for a while.
            boolean profiled = run == runs();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger done = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            List<Future<?>> workers = new ArrayList<>();
            String prefix = "life-" + run + "-";
            for (int i = 0; i < clients; i++) {
                int worker = i;
                workers.add(pool.submit(() -> {
                    int n = 0;
                    while (!stop.get()) {
                        String fileId = lifecycle(prefix + worker + "-" + n++ + ".bin", body);
                        long t0 = System.nanoTime();
                        // Every client waits until its file is visible; client 0 asks every 2 ms and times the
                        // lag, the others every 20 ms, so that the polling stays a small part of the load.
                        while (depot.get("/v1/files/" + fileId, user).status() != 200) {
                            Thread.sleep(worker == 0 ? 2 : 20);
                        }
                        if (worker == 0 && !profiled) {
                            lags.add(System.nanoTime() - t0);
                        }
                        done.incrementAndGet();
                    }
                    return null;
                }));
            }
            if (profiled) {
                profiler.start("e");
            }
            long t0 = System.nanoTime();
            double cpu0 = Processes.workSeconds(depotPid);
            Thread.sleep(duration.toMillis());
            stop.set(true);
            for (Future<?> w : workers) {
                w.get();
            }
            double elapsed = (System.nanoTime() - t0) / 1e9;
            pool.shutdown();
            if (profiled) {
                profile = profiler.stop("e", "during one more run, after the measured ones");
                break;
            }
            cpuPerLifecycle.add((Processes.workSeconds(depotPid) - cpu0) * 1000 / Math.max(1, done.get()));
            rates.add(done.get() / elapsed);
        }
        long[] sorted = lags.stream().mapToLong(Long::longValue).sorted().toArray();
        Stats rate = Stats.of(rates);
        double p50 = Stats.percentile(sorted, 50);
        double p99 = Stats.percentile(sorted, 99);
        lines.add(String.format("%d clients in a closed loop: initiate a 1 KiB upload, PUT it to its presigned URL, "
                + "complete it, then read `GET /v1/files/{id}` until it answers 200 (client 0 every 2 ms, timing the "
                + "lag from the complete's answer; the others every 20 ms). Lifecycles: %s. Lag over the %d lifecycles "
                + "of client 0 in all runs: p50 %.1f ms, p99 %.1f ms. The service's CPU per lifecycle (its CPU over "
                + "the run without the JIT compiler threads, the background processing included, divided by the "
                + "lifecycles): %s.", clients,
                rate.format("per s", 1), sorted.length, p50, p99, Stats.of(cpuPerLifecycle).format("ms", 1)));
        lines.add("");
        lines.addAll(profile);
        summary.add(row("e", "upload lifecycles; lag until visible, p99", String.format("%.0f per s; %.1f ms",
                rate.median(), p99), ">= 500 per s; <= 100 ms", rate.median() >= 500 && p99 <= 100));
    }

    /** Initiate, presigned PUT and complete of one small file; returns the file's id. */
    private String lifecycle(String name, byte[] body) {
        JsonNode upload = depot.post("/v1/uploads/initiate", user, Map.of("filename", name, "content_type",
                "application/octet-stream", "size", body.length)).expect(201).json();
        Map<String, String> headers = new HashMap<>();
        upload.get("upload_headers").fields().forEachRemaining(h -> headers.put(h.getKey(), h.getValue().asText()));
        depot.putUrl(depot.http, upload.get("presigned_url").asText(), body, 0, body.length, headers);
        return depot.post("/v1/uploads/" + upload.get("upload_id").asText() + "/complete", user, null).expect(200)
                .json().get("file_id").asText();
    }

    // ---- g: retries ------------------------------------------------------------------------------------------

    private void benchmarkRetries(byte[] data, long partSize) throws Exception {
        List<String> lines = section("g. An upload over a network that cuts 20% of part uploads");
        List<Double> ratios = new ArrayList<>();
        List<Integer> retries = new ArrayList<>();
        try (LossyProxy proxy = new LossyProxy(s3Port)) {
            proxy.cut(0.2, partSize);
            for (int run = 0; run < runs(); run++) {
                JsonNode upload = depot.initiate(user, "lossy-" + run + ".bin", data.length, partSize);
                String uploadId = upload.get("upload_id").asText();
                long before = proxy.forwardedBytes();
                int attempts = 0;
                for (int part = 1; part <= upload.get("part_count").asInt(); part++) {
                    int offset = (int) ((part - 1) * partSize);
                    int length = (int) Math.min(partSize, data.length - offset);
                    String url = upload.get("presigned_urls").get(part - 1).asText();
                    String viaProxy = url.replace("127.0.0.1:" + s3Port, "127.0.0.1:" + proxy.port());
                    String etag = null;
                    while (etag == null) {
                        attempts++;
                        HttpClient fresh = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                        try {
                            etag = depot.putUrl(fresh, viaProxy, data, offset, length, Map.of("Host", "127.0.0.1:" + s3Port));
                        } catch (RuntimeException cut) {
                            // the network cut it: send the part again
                        }
                    }
                    depot.post("/v1/uploads/" + uploadId + "/parts/" + part, user, Map.of("etag", etag)).expect(200);
                }
                ratios.add((proxy.forwardedBytes() - before) / (double) data.length);
                retries.add(attempts - upload.get("part_count").asInt());
                depot.delete("/v1/uploads/" + uploadId, user).expect(204);
            }
        }
        Stats ratio = Stats.of(ratios);
        lines.add(String.format("%s in %d MiB presigned parts; a TCP proxy in front of S3Proxy cuts each connection "
                + "with probability 0.2 at a uniformly random byte of the part; the client sends a cut part again on "
                + "a new connection. Bytes the proxy passed on / file size: %s; parts sent again per run: %s.",
                size(data.length), partSize / MIB, ratio.format("", 3), retries));
        summary.add(row("g", "bytes sent / file size with 20% of parts cut", String.format("%.3f", ratio.median()),
                "<= 1.25", ratio.median() <= 1.25));
    }

    // ---- h: a peer ------------------------------------------------------------------------------------------

    /**
     * The tus peer (benchmarks/tus: @tus/server with @tus/s3-store, Node) on the same S3Proxy, against Depot's upload
     * through the service. tus sends one upload's PATCHes one after another, so the like-for-like comparison is
     * Depot with one part at a time of the same size; tus in a single PATCH is its best case, shown beside it.
     */
    private void benchmarkPeer(byte[] data, long partSize) throws Exception {
        List<String> lines = section("h. A peer: tus (@tus/server with @tus/s3-store) on the same S3Proxy");
        int tusPort = Processes.freePort();
        Map<String, String> env = new HashMap<>();
        env.put("TUS_PORT", Integer.toString(tusPort));
        env.put("TUS_S3_ENDPOINT", "http://127.0.0.1:" + s3Port);
        env.put("TUS_S3_BUCKET", "tus-peer");
        env.put("TUS_S3_ACCESS_KEY", S3_ACCESS_KEY);
        env.put("TUS_S3_SECRET_KEY", S3_SECRET_KEY);
        env.put("TUS_PART_SIZE", Long.toString(partSize));
        Process tus = processes.start(List.of("node", root.resolve("benchmarks/tus/server.mjs").toString()), env,
                work.resolve("tus.log"));
        awaitPort(tusPort, Duration.ofSeconds(60));
        URI endpoint = URI.create("http://127.0.0.1:" + tusPort + "/files/");
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Map<String, List<Double>> mbs = new LinkedHashMap<>();
        Map<String, List<Double>> cpu = new LinkedHashMap<>();
        for (String mode : List.of("depot", "tus-chunks", "tus-one-patch")) {
            mbs.put(mode, new ArrayList<>());
            cpu.put(mode, new ArrayList<>());
        }
        double gib = data.length / (double) (1024 * MIB);
        for (int run = 0; run < runs(); run++) {
            for (String mode : mbs.keySet()) {
                long pid = mode.equals("depot") ? depotPid : tus.pid();
                JsonNode upload = mode.equals("depot") ? depot.initiate(user, "peer-" + run + ".bin", data.length, partSize) : null;
                double cpu0 = Processes.cpuSeconds(pid);
                long t0 = System.nanoTime();
                switch (mode) {
                    case "depot" -> uploadParts(upload, data, partSize, 1, "service");
                    case "tus-chunks" -> TusClient.upload(http, endpoint, data, 0, data.length, partSize);
                    default -> TusClient.upload(http, endpoint, data, 0, data.length, data.length);
                }
                long t1 = System.nanoTime();
                mbs.get(mode).add(data.length / 1e6 / ((t1 - t0) / 1e9));
                cpu.get(mode).add((Processes.cpuSeconds(pid) - cpu0) / gib);
                if (upload != null) {
                    depot.delete("/v1/uploads/" + upload.get("upload_id").asText(), user).expect(204);
                }
            }
        }
        lines.add(String.format("%s of random bytes. Depot: through the service, %d MiB parts one at a time (as in a). "
                + "tus: the creation request, then PATCHes of %d MiB one after another, or the whole file in one "
                + "PATCH; the store writes %d MiB S3 parts. CPU seconds per GiB are the server process's own (Depot's "
                + "JVM, or Node).", size(data.length), partSize / MIB, partSize / MIB, partSize / MIB));
        lines.add("");
        lines.add("| server | requests | MB/s | server CPU s/GiB |");
        lines.add("|---|---|---|---|");
        Map<String, String> labels = Map.of("depot", "Depot | " + (partSize / MIB) + " MiB parts",
                "tus-chunks", "tus | " + (partSize / MIB) + " MiB PATCHes", "tus-one-patch", "tus | one PATCH");
        for (String mode : mbs.keySet()) {
            lines.add(String.format("| %s | %s | %s |", labels.get(mode), Stats.of(mbs.get(mode)).format("", 1),
                    Stats.of(cpu.get(mode)).format("", 2)));
        }
        double depotSpeed = Stats.of(mbs.get("depot")).median();
        double chunks = Stats.of(mbs.get("tus-chunks")).median();
        double single = Stats.of(mbs.get("tus-one-patch")).median();
        summary.add(row("h", "Depot / tus, same part size, one at a time", String.format("%.2f (%.0f / %.0f MB/s); "
                + "against tus in one PATCH %.2f", depotSpeed / chunks, depotSpeed, chunks, depotSpeed / single),
                "Depot/peer >= 1.0", depotSpeed / chunks >= 1.0));
        tus.destroy();
    }

    // ---- i: memory and start-up ------------------------------------------------------------------------------

    private void benchmarkMemory(long partSize) throws Exception {
        List<String> lines = section("i. Memory and start-up of the all-in-one service");
        long size = smoke ? 64 * MIB : 2048 * MIB;
        byte[] part = new byte[(int) partSize];
        random.nextBytes(part);
        double idleHeap = Processes.heapUsedMiB(depotPid);
        AtomicBoolean sampling = new AtomicBoolean(true);
        double[] peak = {idleHeap};
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                peak[0] = Math.max(peak[0], Processes.heapUsedMiB(depotPid));
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.start();
        JsonNode upload = depot.initiate(user, "memory.bin", size, partSize);
        String uploadId = upload.get("upload_id").asText();
        int parts = upload.get("part_count").asInt();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> sent = new ArrayList<>();
        for (int n = 1; n <= parts; n++) {
            int number = n;
            int length = (int) Math.min(partSize, size - (number - 1) * partSize);
            sent.add(pool.submit(() -> depot.put("/v1/uploads/" + uploadId + "/parts/" + number, user, part, 0, length).expect(200)));
        }
        for (Future<?> f : sent) {
            f.get();
        }
        pool.shutdown();
        sampling.set(false);
        sampler.join();
        depot.delete("/v1/uploads/" + uploadId, user).expect(204);
        double rise = peak[0] - idleHeap;
        lines.add(String.format("Idle RSS after start-up %.0f MiB; start-up to a healthy `/health` %.1f s (JVM start "
                + "included, on PostgreSQL and the external S3Proxy). During a %s upload through the service, 4 parts "
                + "at a time, heap in use (young and old generations, `jstat -gc` every 100 ms, `-Xmx1g`) peaked at "
                + "%.0f MiB against %.0f MiB idle: %.0f MiB above idle. Heap in use counts garbage not yet collected, so "
                + "this bounds what the upload retains from above.", idleRssMiB, startupSeconds, size(size), peak[0],
                idleHeap, rise));
        summary.add(row("i", "heap above idle during a " + size(size) + " upload through the service",
                String.format("%.0f MiB", rise), "<= 64 MiB", rise <= 64));
        summary.add(row("i", "idle RSS; start-up time", String.format("%.0f MiB; %.1f s", idleRssMiB, startupSeconds),
                "report", true));
    }

    // ---- f: replay -------------------------------------------------------------------------------------------

    private void benchmarkReplay() throws Exception {
        List<String> lines = section("f. Replay: a projection rebuilt from the event store");
        int events = Integer.parseInt(System.getenv().getOrDefault("DEPOT_BENCH_REPLAY_EVENTS",
                smoke ? "10000" : "1000000"));
        String fileId = smallFile("replayed.bin");
        try (Connection c = DriverManager.getConnection(PG_URL + "?currentSchema=" + schema, PG_USER, "")) {
            c.createStatement().execute("INSERT INTO domainevententry (eventidentifier, aggregateidentifier, "
                    + "sequencenumber, type, timestamp, payloadtype, payloadrevision, payload, metadata) "
                    + "SELECT gen_random_uuid()::text, gen_random_uuid()::text, 0, NULL, '" + Instant.now() + "', "
                    + "'io.depot.file.FileDownloadedEvent', NULL, convert_to(format('{\"fileId\":\"%s\",\"version\":1,"
                    + "\"userId\":\"reader-%s\",\"clientAddress\":\"10.0.%s.%s\",\"downloadedAt\":\"" + Instant.now()
                    + "\"}', '" + fileId + "', i % 1000, (i / 256) % 256, i % 256), 'UTF8'), "
                    + "convert_to('{}', 'UTF8') FROM generate_series(1, " + events + ") AS i");
        }
        // Every processor reads the new events once; the replays are timed only after all have, alone on the machine.
        long caughtUp0 = System.nanoTime();
        awaitAllCaughtUp(Duration.ofMinutes(60));
        double catchUpSeconds = (System.nanoTime() - caughtUp0) / 1e9;
        long head = depot.get("/v1/admin/projections/download-history", admin).expect(200).json().get("head").asLong();
        List<Double> rates = new ArrayList<>();
        for (int run = 0; run <= runs(); run++) {
            // One replay more than measured, profiled: starting a recording sets the JIT compiling again for a while.
            boolean profiled = run == runs();
            if (profiled) {
                profiler.start("f");
            }
            long t0 = System.nanoTime();
            depot.post("/v1/admin/projections/download-history/replay", admin, null).expect(202);
            awaitCaughtUp("download-history", Duration.ofMinutes(30));
            if (!profiled) {
                rates.add((head + 1) / ((System.nanoTime() - t0) / 1e9));
            }
        }
        List<String> profile = profiler.stop("f", "during one more replay, after the measured ones");
        Stats rate = Stats.of(rates);
        lines.add(String.format("%,d FileDownloaded events were appended to the event store (with the events of the "
                + "other benchmarks: %,d in all), then the `download-history` projection (one MongoDB document per "
                + "download, in the read-model store) was reset through "
                + "`POST /v1/admin/projections/download-history/replay` and timed until it reached the head again: %s. "
                + "Before the replays, all %d event processors read the new events once, which took %.0f s.",
                events, head + 1, rate.format("events/s", 0), processorCount(), catchUpSeconds));
        lines.add("");
        lines.addAll(profile);
        summary.add(row("f", "replay of a projection from " + String.format("%,d", head + 1) + " events",
                String.format("%.0f events/s", rate.median()), ">= 20,000 events/s", rate.median() >= 20_000));
    }

    private void awaitAllCaughtUp(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            DepotClient.Reply reply = statusOrNull("/v1/admin/projections");
            boolean all = reply != null && reply.status() == 200; // a busy service may answer late or 503: ask again
            if (all) {
                for (JsonNode status : reply.json()) {
                    all &= status.get("caught_up").asBoolean() && !status.get("replaying").asBoolean();
                }
            }
            if (all) {
                return;
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("the event processors did not catch up within " + timeout);
    }

    /** A processor status, or null when the service, busy catching up, did not answer in time. */
    private DepotClient.Reply statusOrNull(String path) {
        if (!depotProcess.isAlive()) {
            throw new IllegalStateException("the service exited (" + depotProcess.exitValue() + "); see " + work);
        }
        try {
            return depot.get(path, admin);
        } catch (java.io.UncheckedIOException e) {
            return null;
        }
    }

    private int processorCount() {
        return depot.get("/v1/admin/projections", admin).expect(200).json().size();
    }

    private void awaitCaughtUp(String processor, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            DepotClient.Reply reply = statusOrNull("/v1/admin/projections/" + processor);
            if (reply != null && reply.status() == 200 && reply.json().get("caught_up").asBoolean()
                    && !reply.json().get("replaying").asBoolean()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(processor + " did not catch up within " + timeout);
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private String smallFile(String name) throws InterruptedException {
        byte[] body = new byte[1024];
        random.nextBytes(body);
        String fileId = lifecycle(name, body);
        awaitAvailable(fileId);
        return fileId;
    }

    private void awaitAvailable(String fileId) throws InterruptedException {
        for (int i = 0; i < 6000; i++) {
            DepotClient.Reply r = depot.get("/v1/files/" + fileId, user);
            if (r.status() == 200 && r.json().get("upload_status").asText().equals("available")) {
                return;
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("file " + fileId + " did not become available");
    }

    private List<String> section(String title) {
        List<String> lines = new ArrayList<>();
        sections.put(title, lines);
        System.out.println("== " + title);
        return lines;
    }

    private static String[] row(String id, String what, String measured, String target, boolean met) {
        System.out.println(id + " " + what + ": " + measured + " (target " + target + ")");
        return new String[]{id, what, measured, target, met ? "met" : "**missed**"};
    }

    private static String size(long bytes) {
        return bytes >= 1024 * MIB ? (bytes / (1024 * MIB)) + " GiB" : (bytes / MIB) + " MiB";
    }

    private static boolean reachable(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void awaitPort(int port, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!reachable(port)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("nothing listens on " + port);
            }
            Thread.sleep(100);
        }
    }

    private void awaitHealth(String url, Duration timeout, Process process) throws InterruptedException {
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (process != null && !process.isAlive()) {
                throw new IllegalStateException("the process behind " + url + " exited; see its log in " + work);
            }
            try {
                if (client.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(url + " did not answer within " + timeout);
    }

    private void write() throws IOException {
        List<String> out = new ArrayList<>();
        out.add("# Depot benchmarks");
        out.add("");
        out.add(smoke ? "**Smoke run: sizes and durations are cut down; these figures mean nothing.**" : "");
        out.add("");
        out.add("- Date: " + Instant.now());
        out.add("- Commit: " + command("git", "rev-parse", "--short", "HEAD"));
        out.add("- Command: `benchmarks/run" + (smoke ? " --smoke" : "") + "`");
        out.add("- Machine: " + Runtime.getRuntime().availableProcessors() + " CPUs, "
                + command("sh", "-c", "awk '/MemTotal/ {printf \"%.0f GiB\", $2/1048576}' /proc/meminfo") + " RAM, "
                + command("uname", "-sr") + ", Java " + System.getProperty("java.version") + "; "
                + command("sh", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").trim());
        out.add("- Servers: the all-in-one Depot (`-Xmx1g`) on PostgreSQL (event store), mongo-java-server in memory, in a process of its own "
                + "(read models), Redis (rate limits) and S3Proxy " + "(filesystem backend, its own JVM); a bare WebFlux server "
                + "for comparison; for j, a clamd started by the benchmark. Client and servers share the machine.");
        out.add("- Each figure: median of " + runs() + " runs, with min and max. Shared machines are noisy: read ratios "
                + "within one run, not absolute times across runs.");
        out.add("");
        out.add("## Summary");
        out.add("");
        out.add("| # | what | measured | target | |");
        out.add("|---|---|---|---|---|");
        for (String[] r : summary) {
            out.add("| " + String.join(" | ", r) + " |");
        }
        for (var section : sections.entrySet()) {
            out.add("");
            out.add("## " + section.getKey());
            out.add("");
            out.addAll(section.getValue());
        }
        Path analysis = root.resolve("benchmarks/analysis.md");
        if (!smoke && only == null && Files.exists(analysis)) {
            out.add("");
            out.addAll(Files.readAllLines(analysis));
        }
        // A partial or smoke run is a working copy, never the record.
        Path target = root.resolve(only != null ? "benchmarks/target/benchmarks-" + only + ".md"
                : smoke ? "benchmarks/target/benchmarks-smoke.md" : "docs/benchmarks.md");
        Files.createDirectories(target.getParent());
        Files.write(target, out);
        System.out.println("wrote " + target);
    }

    private static String command(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor();
            return out;
        } catch (IOException e) {
            return "?";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }
}
