package io.depot.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A closed loop of GET requests: N client threads each send the next request when the last is answered, for a
 * measured duration after 2 s of warm-up, with the server's and the machine's CPU over the measured seconds.
 */
final class LoadDriver {

    private LoadDriver() {
    }

    /** The figures of one load run; latencies in ms, CPU per request without the server's JIT compiler threads. */
    record Load(double perSecond, double p50, double p99, long errors, double cpuMillisPerRequest, double machineBusy) {
        static Load median(List<Load> runs) {
            List<Load> sorted = new ArrayList<>(runs);
            sorted.sort((x, y) -> Double.compare(x.perSecond(), y.perSecond()));
            return sorted.get(sorted.size() / 2);
        }
    }

    /** Loads {@code url}, with a bearer {@code token} unless null, served by the process {@code serverPid}. */
    static Load run(String url, String token, int clients, Duration duration, long serverPid) throws Exception {
        return run(url, token, clients, duration, List.of(serverPid));
    }

    /**
     * Unmeasured load until the server has answered at least {@code requests} (in runs of 10 s, each after its 2 s
     * ramp), for at least {@code least} and at most {@code most}: a JIT warms up with the requests it compiles for,
     * so a warm-up in seconds leaves a slow machine's server colder than a fast one's. Returns the requests answered
     * in the runs.
     */
    static long warmUp(String url, String token, int clients, long requests, Duration least, Duration most,
                       long serverPid) throws Exception {
        long answered = 0;
        long start = System.nanoTime();
        Duration slice = Duration.ofSeconds(Math.min(10, Math.max(1, least.toSeconds())));
        while (true) {
            Duration spent = Duration.ofNanos(System.nanoTime() - start);
            if (spent.compareTo(most) >= 0 || (answered >= requests && spent.compareTo(least) >= 0)) {
                return answered;
            }
            answered += Math.round(run(url, token, clients, slice, serverPid).perSecond() * slice.toSeconds());
        }
    }

    /** The same, served by the processes {@code serverPids} together: their CPU is summed. */
    static Load run(String url, String token, int clients, Duration duration, List<Long> serverPids) throws Exception {
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
        double cpu0 = Processes.workSeconds(serverPids);
        double machine0 = Processes.machineBusySeconds();
        measuring.set(true);
        long t0 = System.nanoTime();
        Thread.sleep(duration.toMillis());
        measuring.set(false);
        long elapsed = System.nanoTime() - t0;
        double cpu = Processes.workSeconds(serverPids) - cpu0;
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
}
