package io.depot.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Runs every benchmark, a class each ({@link Benchmark}), against real processes: S3Proxy on its own, the all-in-one
 * Depot on PostgreSQL and that S3Proxy ({@link DepotService}), a bare WebFlux server for comparison, and clamd with a
 * scanning worker ({@link ScanBenchmark}). Writes {@code docs/benchmarks.md} ({@link Report}). {@code --smoke} runs
 * the same code with small sizes and one run each, to keep it working; its figures mean nothing.
 */
public final class BenchmarkRunner {

    private static final long MIB = 1024 * 1024;

    private BenchmarkRunner() {
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.of(args);
        Path work = Files.createTempDirectory("depot-bench-");
        Processes processes = new Processes();
        EventStore eventStore = null;
        int status = 1;
        try {
            eventStore = options.wantsService() ? EventStore.create() : null;
            run(options, processes, work, eventStore);
            status = 0;
        } catch (Exception e) {
            e.printStackTrace();
        } finally {
            processes.stopAll();
            if (eventStore != null) {
                eventStore.drop();
            }
        }
        // Client pools of the load driver may still hold threads: the run is over either way.
        System.exit(status);
    }

    /** Starts what the wanted benchmarks need, runs them and writes the report. */
    private static void run(Options options, Processes processes, Path work, EventStore eventStore) throws Exception {
        Processes.Server s3 = S3Proxy.start(processes, work);
        List<Benchmark> benchmarks = new ArrayList<>();
        if (options.wantsService()) {
            long dataSize = options.smoke() ? 32 * MIB : 1024 * MIB;
            long partSize = options.partSize();
            DepotService service = DepotService.start(processes, work, options.root(), s3, eventStore, partSize);
            Processes.Server bare = processes.startMain(BareServer.class, "256m", work.resolve("bare.log"));
            Processes.awaitHealth("http://127.0.0.1:" + bare.port() + "/bare", Duration.ofSeconds(60), bare.process(),
                    work);
            DepotSession session = DepotSession.signIn(service, new Random(42));
            Thread.sleep(options.smoke() ? 1000 : 5000);
            double idleRssMiB = Processes.rssMiB(service.pid());

            byte[] data = session.randomBytes((int) dataSize);
            ServiceBenchmark.Setup setup = new ServiceBenchmark.Setup(options, s3, service, session, data, partSize);
            // f appends many events to the store, so it comes after the others that use the service.
            benchmarks.addAll(List.of(
                    new DataPathBenchmark(setup, processes, work),
                    new PresignedUrlsBenchmark(setup),
                    new DownloadUrlsBenchmark(setup, bare, eventStore),
                    new LifecyclesBenchmark(setup, bare),
                    new RetriesBenchmark(setup),
                    new PeerBenchmark(setup, processes, work),
                    new MemoryBenchmark(setup, idleRssMiB, processes, work),
                    new RenditionBenchmark(setup, eventStore),
                    new DedupeBenchmark(setup, eventStore),
                    new ReplayBenchmark(setup, eventStore)));
        }
        benchmarks.add(new ScanBenchmark(options, processes, work, s3));
        if (!options.smoke()) {
            // A second topology of six JVMs: run in full runs and with --only=m, not in the smoke run of CI.
            benchmarks.add(new ScaleOutBenchmark(options, work));
        }
        Report report = new Report(options);
        boolean failed = false;
        for (Benchmark benchmark : benchmarks) {
            if (options.wanted(benchmark.letters())) {
                failed |= !attempt(benchmark, report);
            }
        }
        report.write();
        if (failed) {
            throw new IllegalStateException("a benchmark failed; see above");
        }
    }

    /** Runs one benchmark; a failure is reported in place of its figures, and the others still run. */
    private static boolean attempt(Benchmark benchmark, Report report) {
        Report.Section section = report.section(benchmark.title());
        try {
            benchmark.run(section);
            return true;
        } catch (Exception e) {
            e.printStackTrace();
            section.row(benchmark.letters(), "benchmark " + benchmark.letters(), "failed: " + e, "", false);
            return false;
        }
    }
}
