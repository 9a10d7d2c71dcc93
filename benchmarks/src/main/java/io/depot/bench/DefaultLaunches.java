package io.depot.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Part of benchmark i: the all-in-one on its embedded default (what the README's quick start runs), started the
 * quick start's way ({@code java -jar}) and the README's faster way (the jar extracted, with a class-data archive
 * made by one training start), each way on a data directory of its own: once on the empty directory (the first start
 * also creates the stores and the development signing key) and then again on what it holds, as every later start of
 * a service is; how long each start takes to a healthy {@code /health} and the RSS after standing idle.
 */
final class DefaultLaunches {

    private static final Duration IDLE = Duration.ofSeconds(5);

    /** One way of starting: the first start's seconds, and start-up seconds and idle RSS of the starts after it. */
    record Launch(double firstSeconds, Stats seconds, Stats rssMiB) {
    }

    record Result(Launch jar, Launch archived, double trainingSeconds, long archiveMiB) {
    }

    private final Processes processes;
    private final Path work;
    private final Path jar;
    private int started;

    DefaultLaunches(Processes processes, Path work, Path jar) {
        this.processes = processes;
        this.work = work.resolve("launches");
        this.jar = jar;
    }

    Result measure(int runs) throws IOException, InterruptedException {
        Files.createDirectories(work);
        Path extracted = work.resolve("depot-app");
        run(List.of(Processes.javaTool("java"), "-Djarmode=tools", "-jar", jar.toString(), "extract", "--destination",
                extracted.toString()), "extract");
        Path archive = extracted.resolve("depot.jsa");
        long training = System.nanoTime();
        run(List.of(Processes.javaTool("java"), "-Xmx1g", "-XX:ArchiveClassesAtExit=" + archive,
                "-Dspring.context.exit=onRefresh", "-jar", extracted.resolve("depot.jar").toString()), "training");
        double trainingSeconds = (System.nanoTime() - training) / 1e9;
        List<String> plain = List.of("-jar", jar.toString());
        List<String> archived = List.of("-XX:SharedArchiveFile=" + archive, "-jar",
                extracted.resolve("depot.jar").toString());
        Starts jarStarts = new Starts(new ArrayList<>(), new ArrayList<>());
        Starts archivedStarts = new Starts(new ArrayList<>(), new ArrayList<>());
        for (int i = 0; i <= runs; i++) { // alternated, so that a slower minute of the machine falls on both
            start(plain, work.resolve("data-jar"), jarStarts);
            start(archived, work.resolve("data-archived"), archivedStarts);
        }
        return new Result(jarStarts.launch(), archivedStarts.launch(), trainingSeconds,
                Files.size(archive) / (1024 * 1024));
    }

    /** Seconds to healthy and idle RSS of one way's starts, the first on the empty data directory. */
    private record Starts(List<Double> seconds, List<Double> rss) {

        Launch launch() {
            return new Launch(seconds.get(0), Stats.of(seconds.subList(1, seconds.size())),
                    Stats.of(rss.subList(1, rss.size())));
        }
    }

    private void start(List<String> launch, Path data, Starts starts) throws IOException, InterruptedException {
        int port = Processes.freePort();
        List<String> command = new ArrayList<>(List.of(Processes.javaTool("java"), "-Xmx1g"));
        command.addAll(launch);
        long begun = System.nanoTime();
        Path log = work.resolve("start-" + ++started + ".log");
        Process process = processes.start(command, Map.of("PORT", Integer.toString(port), "DEPOT_DATA_DIR",
                data.toString()), log);
        try {
            Processes.awaitHealth("http://127.0.0.1:" + port + "/health", Duration.ofMinutes(2), process, log);
            starts.seconds().add((System.nanoTime() - begun) / 1e9);
            Thread.sleep(IDLE.toMillis());
            starts.rss().add(Processes.rssMiB(process.pid()));
        } finally {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    /** Runs a command that ends by itself (extraction, the training start) on a data directory of its own. */
    private void run(List<String> command, String name) throws IOException, InterruptedException {
        Path log = work.resolve(name + ".log");
        Process process = processes.start(command, Map.of("PORT", Integer.toString(Processes.freePort()),
                "DEPOT_DATA_DIR", work.resolve("data-" + name).toString()), log);
        if (!process.waitFor(3, TimeUnit.MINUTES) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException(name + " failed; see " + log);
        }
    }
}
