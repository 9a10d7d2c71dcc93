package io.depot.bench;

import io.depot.bench.LoadDriver.Load;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Benchmark d: the download-URL endpoint under a closed loop of clients, beside a bare WebFlux endpoint on the same
 * machine, and again once the file has a long download history.
 */
final class DownloadUrlsBenchmark extends ServiceBenchmark {

    private final Processes.Server bare;
    private final EventStore eventStore;

    DownloadUrlsBenchmark(Setup setup, Processes.Server bare, EventStore eventStore) {
        super("d", "d. Download-URL endpoint against a bare WebFlux endpoint", setup);
        this.bare = bare;
        this.eventStore = eventStore;
    }

    @Override
    public void run(Report.Section section) throws Exception {
        List<String> lines = section.lines();
        String fileId = session.smallFile("hot.bin");
        String depotUrl = depot.base + "/v1/files/" + fileId + "/download?expiry=60";
        String bareUrl = "http://127.0.0.1:" + bare.port() + "/bare";
        Duration duration = Duration.ofSeconds(options.smoke() ? 2 : 10);
        Duration warmUp = options.warmUp();
        long warmUpStart = System.nanoTime();
        long warmedWith = LoadDriver.warmUp(depotUrl, user, 64, options.warmUpRequests(), warmUp,
                options.warmUpLimit(), service.pid());
        Duration warmedFor = Duration.ofNanos(System.nanoTime() - warmUpStart);
        LoadDriver.run(bareUrl, null, 64, warmUp.dividedBy(3), bare.pid());
        lines.add("Closed loop: N client threads each send the next request when the last is answered, for "
                + duration.toSeconds() + " s after 2 s of warm-up, all runs after a warm-up at 64 clients, not "
                + "measured: Depot's download URLs until " + options.warmUpRequests() + " were answered (at least "
                + warmUp.toSeconds() + " s, at most " + options.warmUpLimit().toSeconds() + " s; this time "
                + warmedWith + " in " + warmedFor.toSeconds() + " s) and " + warmUp.dividedBy(3).toSeconds()
                + " s of bare requests; the client runs on the same 2 cores as the servers.");
        lines.add("");
        lines.add("| endpoint | clients | req/s | p50 ms | p99 ms | server CPU ms per request | machine CPU busy |");
        lines.add("|---|---|---|---|---|---|---|");
        List<String> profile = List.of();
        for (int clients : new int[]{16, 64}) {
            List<Load> depotRuns = new ArrayList<>();
            List<Load> bareRuns = new ArrayList<>();
            for (int run = 0; run < options.runs(); run++) {
                depotRuns.add(LoadDriver.run(depotUrl, user, clients, duration, service.pid()));
                bareRuns.add(LoadDriver.run(bareUrl, null, clients, duration, bare.pid()));
            }
            if (clients == 16) {
                // Profiled apart: starting a recording sets the JIT compiling again for a while.
                profiler.start("d");
                LoadDriver.run(depotUrl, user, clients, duration, service.pid());
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
            section.row("d", "download URLs, " + clients + " clients",
                    String.format("%.0f req/s, p99 %.1f ms (bare: %.0f req/s, p99 %.1f ms)", d.perSecond(), d.p99(),
                            b.perSecond(), b.p99()), ">= 5,000 req/s, p99 <= 10 ms", d.perSecond() >= 5000 && d.p99() <= 10);
            double depotCpu = Stats.of(depotRuns.stream().map(Load::cpuMillisPerRequest).toList()).median();
            double bareCpu = Stats.of(bareRuns.stream().map(Load::cpuMillisPerRequest).toList()).median();
            section.row("d", "service CPU per download URL / per bare request, " + clients + " clients",
                    String.format("%.1fx (%.3f / %.3f ms)", depotCpu / bareCpu, depotCpu, bareCpu), "<= 6x",
                    depotCpu / bareCpu <= 6);
        }
        long target = options.smoke() ? 2_000 : 100_000;
        long recorded = downloadsRecorded();
        while (recorded < target) {
            LoadDriver.run(depotUrl, user, 64, Duration.ofSeconds(5), service.pid());
            recorded = downloadsRecorded();
        }
        List<Load> after = new ArrayList<>();
        for (int run = 0; run < options.runs(); run++) {
            after.add(LoadDriver.run(depotUrl, user, 64, duration, service.pid()));
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
        section.row("d", String.format("download URLs after %,d downloads of the file", recorded),
                String.format("%.0f req/s, p99 %.1f ms", a.perSecond(), a.p99()), "flat", true);
    }

    /** FileDownloaded events in the store: before the replay benchmark, all of them are the hot file's. */
    private long downloadsRecorded() throws SQLException {
        return eventStore.count("io.depot.file.FileDownloadedEvent");
    }
}
