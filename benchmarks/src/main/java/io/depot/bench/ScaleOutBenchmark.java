package io.depot.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Benchmark m: the costs of d and e in the distributed topology ({@code infra/local/depot-topology}: two command
 * services, two query services and one workers service behind HAProxy rendered from envoy.yaml, on PostgreSQL,
 * Redis and the stand-in MongoDB and S3), with two instances of each service, then with one of each after the
 * second ones are drained. CPU per operation is the services' CPU together, without their JIT compilers, so that
 * the ratio of the two shows what running more instances costs. Needs the services' jars (a full build) and
 * HAProxy; not part of the smoke run, whose budget a second topology would exceed.
 */
final class ScaleOutBenchmark implements Benchmark {

    private static final List<String> SERVICES = List.of("command-api-1", "command-api-2", "query-api-1",
            "query-api-2", "workers-1");

    private final Options options;
    private final Path work;

    ScaleOutBenchmark(Options options, Path work) {
        this.options = options;
        this.work = work;
    }

    @Override
    public String letters() {
        return "m";
    }

    @Override
    public String title() {
        return "m. Scale-out: two instances of each service behind HAProxy against one";
    }

    private record Costs(LoadDriver.Load downloads, double downloadCpu, double lifecyclesPerSecond,
                         double lifecycleCpu) {
    }

    /** A row of the report: the instances of each service, what they cost under load and idle. */
    private record Configuration(String name, Costs costs, double idleCores) {
    }

    @Override
    public void run(Report.Section section) throws Exception {
        Path dir = Files.createDirectories(work.resolve("topology"));
        EventStore eventStore = EventStore.create();
        int base = freeBlock();
        Map<String, String> env = new HashMap<>();
        env.put("DEPOT_TOPOLOGY_DIR", dir.toString());
        env.put("DEPOT_PORT_BASE", Integer.toString(base));
        env.put("DEPOT_PORT", Integer.toString(base + 40));
        env.put("DEPOT_JDBC_URL", eventStore.url());
        env.put("DEPOT_JDBC_USER", EventStore.USER);
        env.put("DEPOT_REDIS_URI", "redis://127.0.0.1:6379");
        env.put("DEPOT_LIMITS_KEY_PREFIX", "depot-bench-m:" + System.nanoTime() + ":");
        for (String op : List.of("INITIATE", "PART", "COMPLETE", "DOWNLOAD")) {
            env.put("DEPOT_LIMITS_" + op + "_PER_USER", "100000000/1m");
            env.put("DEPOT_LIMITS_" + op + "_PER_ADDRESS", "100000000/1m");
        }
        env.put("DEPOT_LIMITS_MAX_OPEN_UPLOADS_PER_USER", "1000000");
        env.put("DEPOT_LIMITS_DAILY_BYTES_PER_USER", "1000TB");
        env.put("JAVA", Processes.javaTool("java"));
        // The JIT compiling fully, as in production (the script's default stops at C1 to start fast on a laptop).
        env.put("DEPOT_JAVA_OPTS", "-Xmx384m -XX:+UseSerialGC");
        List<String> lines = section.lines();
        try {
            topology(env, Duration.ofMinutes(8), "start");
            String token = topology(env, Duration.ofSeconds(30), "token", "bench").trim();
            DepotSession session = DepotSession.of(new DepotClient(base + 40), token, null, new Random(43));
            String fileId = session.smallFile("scale-out.bin");
            // Warm-up: every instance's first requests load classes and feed its JIT. Long enough for each of two
            // instances, which see half the requests, to compile its hot paths: the single instance measured after
            // them has served the two instances' runs too, and a short warm-up measured the two half-compiled. So
            // the download URLs are counted as in d, twice d's count for two query instances: a warm-up in seconds
            // left a slow day's instances colder than a fast day's.
            String downloadUrl = session.client.base + "/v1/files/" + fileId + "/download";
            long warmedWith = LoadDriver.warmUp(downloadUrl, session.user, 64, 2 * options.warmUpRequests(),
                    options.warmUp(), options.warmUpLimit().multipliedBy(2), pids(dir, List.of("query-api-1")).get(0));
            measure(session, fileId, pids(dir, SERVICES), options.warmUp(), 2);

            double twoIdle = idleCores(pids(dir, SERVICES));
            Costs two = measure(session, fileId, pids(dir, SERVICES), duration(), options.runs());
            topology(env, Duration.ofMinutes(2), "drain", "command-api-2");
            topology(env, Duration.ofMinutes(2), "drain", "query-api-2");
            List<String> remaining = List.of("command-api-1", "query-api-1", "workers-1");
            double oneIdle = idleCores(pids(dir, remaining));
            Costs one = measure(session, fileId, pids(dir, remaining), duration(), options.runs());

            lines.add(String.format("The topology of `infra/local/depot-topology` on this machine: HAProxy (rendered "
                    + "from envoy.yaml) in front of two command and two query services and one workers service, each "
                    + "a JVM of its own (`-Xmx384m -XX:+UseSerialGC`), "
                    + "then the same after `depot-topology drain` of command-api-2 and query-api-2. Download URLs: "
                    + "64 clients for %d s through the balancer; lifecycles: 8 clients as in e (initiate, presigned PUT, "
                    + "complete, then `GET /v1/files/{id}` until it answers). CPU: the services' together "
                    + "(JIT compiler threads apart), median of %d runs after a warm-up of download URLs until %d "
                    + "were answered (this time %d) and two warm-up runs of %d s each; idle: the "
                    + "services' CPU over 10 s without requests, before the runs, in cores.", duration().toSeconds(),
                    options.runs(), 2 * options.warmUpRequests(), warmedWith, options.warmUp().toSeconds()));
            lines.add("");
            lines.add("| instances of each service | download URLs req/s | p99 ms | CPU ms per download URL | "
                    + "lifecycles per s | CPU ms per lifecycle | idle CPU, cores |");
            lines.add("|---|---|---|---|---|---|---|");
            for (Configuration row : List.of(new Configuration("2 (+1 workers)", two, twoIdle),
                    new Configuration("1 (+1 workers)", one, oneIdle))) {
                Costs c = row.costs();
                lines.add(String.format("| %s | %.0f | %.1f | %.3f | %.1f | %.2f | %.3f |", row.name(),
                        c.downloads().perSecond(), c.downloads().p99(), c.downloadCpu(), c.lifecyclesPerSecond(),
                        c.lifecycleCpu(), row.idleCores()));
            }
            double downloadRatio = two.downloadCpu() / one.downloadCpu();
            double lifecycleRatio = two.lifecycleCpu() / one.lifecycleCpu();
            section.row("m", "CPU per download URL, two instances of each service / one",
                    String.format("%.2f (%.3f / %.3f ms)", downloadRatio, two.downloadCpu(), one.downloadCpu()),
                    "<= 1.10", downloadRatio <= 1.10);
            section.row("m", "CPU per upload lifecycle, two instances of each service / one",
                    String.format("%.2f (%.2f / %.2f ms)", lifecycleRatio, two.lifecycleCpu(), one.lifecycleCpu()),
                    "<= 1.10", lifecycleRatio <= 1.10);
        } finally {
            topology(env, Duration.ofMinutes(3), "stop");
            eventStore.drop();
        }
    }

    private Duration duration() {
        return Duration.ofSeconds(options.smoke() ? 2 : 10);
    }

    /** The median over {@code runs} of download-URL load and lifecycle load, CPU summed over {@code pids}. */
    private static Costs measure(DepotSession session, String fileId, List<Long> pids, Duration duration, int runs)
            throws Exception {
        String url = session.client.base + "/v1/files/" + fileId + "/download";
        List<LoadDriver.Load> loads = new ArrayList<>();
        List<Double> lifecycleRates = new ArrayList<>();
        List<Double> lifecycleCpu = new ArrayList<>();
        for (int run = 0; run < runs; run++) {
            loads.add(LoadDriver.run(url, session.user, 64, duration, pids));
            LifecyclesBenchmark.Loop loop = LifecyclesBenchmark.closedLoop(session, session.randomBytes(1024), 8,
                    duration, "m-" + System.nanoTime() + "-", pids, null, () -> { });
            lifecycleRates.add(loop.lifecycles() / loop.seconds());
            lifecycleCpu.add(loop.cpuSeconds() * 1000 / Math.max(1, loop.lifecycles()));
        }
        LoadDriver.Load downloads = LoadDriver.Load.median(loads);
        return new Costs(downloads, Stats.of(loads.stream().map(LoadDriver.Load::cpuMillisPerRequest).toList()).median(),
                Stats.of(lifecycleRates).median(), Stats.of(lifecycleCpu).median());
    }

    /** The CPU of {@code pids} together over 10 s without requests, in cores. */
    private static double idleCores(List<Long> pids) throws InterruptedException {
        double cpu0 = Processes.workSeconds(pids);
        long t0 = System.nanoTime();
        Thread.sleep(10_000);
        return (Processes.workSeconds(pids) - cpu0) / ((System.nanoTime() - t0) / 1e9);
    }

    private static List<Long> pids(Path dir, List<String> names) throws IOException {
        List<Long> pids = new ArrayList<>();
        for (String name : names) {
            pids.add(Long.parseLong(Files.readString(dir.resolve("pids/" + name + ".pid")).trim()));
        }
        return pids;
    }

    /** Runs {@code infra/local/depot-topology} with {@code arguments}; answers what it printed. */
    private String topology(Map<String, String> env, Duration limit, String... arguments)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(options.root().resolve("infra/local/depot-topology").toString()));
        command.addAll(List.of(arguments));
        Path output = Files.createTempFile(work, "topology-", ".out");
        ProcessBuilder builder = new ProcessBuilder(command).directory(options.root().toFile())
                .redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("depot-topology " + String.join(" ", arguments) + " took over " + limit);
        }
        String text = Files.readString(output);
        if (process.exitValue() != 0) {
            throw new IllegalStateException("depot-topology " + String.join(" ", arguments) + " failed:\n" + text);
        }
        return text;
    }

    /** 41 free loopback ports below the kernel's ephemeral range, where no outgoing connection takes one. */
    private static int freeBlock() throws IOException {
        int ephemeralLow;
        try (var in = Files.newInputStream(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
            ephemeralLow = Integer.parseInt(new String(in.readAllBytes()).trim().split("\\s+")[0]);
        }
        int blocks = (ephemeralLow - 41 - 20000) / 100;
        for (int attempt = 0; attempt < 50; attempt++) {
            int base = 20000 + 100 * ThreadLocalRandom.current().nextInt(blocks);
            boolean free = true;
            for (int port = base; port <= base + 40 && free; port++) {
                try (ServerSocket socket = new ServerSocket()) {
                    socket.setReuseAddress(true);
                    socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
                } catch (IOException e) {
                    free = false;
                }
            }
            if (free) {
                return base;
            }
        }
        throw new IllegalStateException("no block of 41 free loopback ports");
    }
}
