package io.depot.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Benchmark e: whole upload lifecycles of small files in a closed loop, and the lag until the query side shows each
 * completed file; the service's CPU per lifecycle is also given as a multiple of a bare WebFlux request's CPU,
 * measured in the same run with as many clients.
 */
final class LifecyclesBenchmark extends ServiceBenchmark {

    private final Processes.Server bare;

    LifecyclesBenchmark(Setup setup, Processes.Server bare) {
        super("e", "e. Upload lifecycles and the lag until the query side shows the file", setup);
        this.bare = bare;
    }

    @Override
    public void run(Report.Section section) throws Exception {
        List<String> lines = section.lines();
        int clients = 8;
        Duration duration = Duration.ofSeconds(options.smoke() ? 2 : 10);
        List<Double> rates = new ArrayList<>();
        List<Long> lags = Collections.synchronizedList(new ArrayList<>());
        List<Double> cpuPerLifecycle = new ArrayList<>();
        List<Double> cpuPerBareRequest = new ArrayList<>();
        String bareUrl = "http://127.0.0.1:" + bare.port() + "/bare";
        List<String> profile = List.of();
        byte[] body = session.randomBytes(1024);
        Duration warmUp = options.warmUp();
        closedLoop(session, body, clients, warmUp, "life-warm-up-", List.of(service.pid()), null, () -> {
        });
        for (int run = 0; run <= options.runs(); run++) {
            // One run more than measured, profiled: starting a recording sets the JIT compiling again for a while.
            boolean profiled = run == options.runs();
            Loop loop = closedLoop(session, body, clients, duration, "life-" + run + "-", List.of(service.pid()),
                    profiled ? null : lags, () -> {
                        if (profiled) {
                            profiler.start("e");
                        }
                    });
            if (profiled) {
                profile = profiler.stop("e", "during one more run, after the measured ones");
                break;
            }
            cpuPerLifecycle.add(loop.cpuSeconds() * 1000 / Math.max(1, loop.lifecycles()));
            rates.add(loop.lifecycles() / loop.seconds());
            cpuPerBareRequest.add(LoadDriver.run(bareUrl, null, clients, duration, bare.pid()).cpuMillisPerRequest());
        }
        long[] sorted = lags.stream().mapToLong(Long::longValue).sorted().toArray();
        Stats rate = Stats.of(rates);
        double p50 = Stats.percentile(sorted, 50);
        double p99 = Stats.percentile(sorted, 99);
        lines.add(String.format("%d clients in a closed loop: initiate a 1 KiB upload, PUT it to its presigned URL, "
                + "complete it, then read `GET /v1/files/{id}` until it answers 200 (client 0 every 2 ms, timing the "
                + "lag from the complete's answer; the others every 20 ms), after %d s of them not measured. "
                + "Lifecycles: %s. Lag over the %d lifecycles "
                + "of client 0 in all runs: p50 %.1f ms, p99 %.1f ms. The service's CPU per lifecycle (its CPU over "
                + "the run without the JIT compiler threads, the background processing included, divided by the "
                + "lifecycles): %s; a bare WebFlux request's, %d clients after each run: %s.", clients,
                warmUp.toSeconds(),
                rate.format("per s", 1), sorted.length, p50, p99, Stats.of(cpuPerLifecycle).format("ms", 1),
                clients, Stats.of(cpuPerBareRequest).format("ms", 4)));
        lines.add("");
        lines.addAll(profile);
        section.row("e", "upload lifecycles; lag until visible, p99", String.format("%.0f per s; %.1f ms",
                rate.median(), p99), ">= 200 per s; <= 100 ms", rate.median() >= 200 && p99 <= 100);
        double lifecycleCpu = Stats.of(cpuPerLifecycle).median();
        double bareCpu = Stats.of(cpuPerBareRequest).median();
        section.row("e", "service CPU per lifecycle / per bare request", String.format("%.0f bare requests (%.2f / "
                + "%.4f ms)", lifecycleCpu / bareCpu, lifecycleCpu, bareCpu), "<= 250", lifecycleCpu / bareCpu <= 250);
    }

    /** What a closed loop of lifecycles did: how many, over how many seconds, and its servers' CPU seconds. */
    record Loop(int lifecycles, double seconds, double cpuSeconds) {
    }

    /**
     * {@code clients} clients in a closed loop for {@code duration}: initiate a file of {@code body}, PUT it to its
     * presigned URL, complete it, then read {@code GET /v1/files/{id}} until it answers 200: client 0 every 2 ms,
     * timing the lag into {@code lags} unless it is null, the others every 20 ms, so that the polling stays a small
     * part of the load. {@code started} runs once the clients are going; CPU is that of {@code pids} together.
     */
    static Loop closedLoop(DepotSession session, byte[] body, int clients, Duration duration, String prefix,
                           List<Long> pids, List<Long> lags, Runnable started) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger done = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<?>> workers = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            int worker = i;
            workers.add(pool.submit(() -> {
                int n = 0;
                while (!stop.get()) {
                    String fileId = session.lifecycle(prefix + worker + "-" + n++ + ".bin", body);
                    long t0 = System.nanoTime();
                    while (session.client.get("/v1/files/" + fileId, session.user).status() != 200) {
                        Thread.sleep(worker == 0 ? 2 : 20);
                    }
                    if (worker == 0 && lags != null) {
                        lags.add(System.nanoTime() - t0);
                    }
                    done.incrementAndGet();
                }
                return null;
            }));
        }
        started.run();
        long t0 = System.nanoTime();
        double cpu0 = Processes.workSeconds(pids);
        Thread.sleep(duration.toMillis());
        stop.set(true);
        for (Future<?> w : workers) {
            w.get();
        }
        double elapsed = (System.nanoTime() - t0) / 1e9;
        double cpu = Processes.workSeconds(pids) - cpu0;
        pool.shutdown();
        return new Loop(done.get(), elapsed, cpu);
    }
}
