package io.depot.bench;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.UncheckedIOException;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Benchmark f: a projection rebuilt from the event store, after many events were appended to it directly; it runs
 * after the service's other benchmarks, which those events would weigh on.
 */
final class ReplayBenchmark extends ServiceBenchmark {

    private final String admin;
    private final EventStore eventStore;

    ReplayBenchmark(Setup setup, EventStore eventStore) {
        super("f", "f. Replay: a projection rebuilt from the event store", setup);
        this.admin = session.admin;
        this.eventStore = eventStore;
    }

    @Override
    public void run(Report.Section section) throws Exception {
        List<String> lines = section.lines();
        int events = Integer.parseInt(System.getenv().getOrDefault("DEPOT_BENCH_REPLAY_EVENTS",
                options.smoke() ? "10000" : "1000000"));
        String fileId = session.smallFile("replayed.bin");
        try (Connection c = eventStore.connect()) {
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
        List<Double> cpu = new ArrayList<>();
        for (int run = 0; run <= options.runs(); run++) {
            // One replay more than measured, profiled: starting a recording sets the JIT compiling again for a while.
            boolean profiled = run == options.runs();
            if (profiled) {
                profiler.start("f");
            }
            // A rebuild switches reads to its new copy, then retires the old one for a few seconds: not timed.
            awaitRetired("download-history", Duration.ofMinutes(2));
            long t0 = System.nanoTime();
            double work0 = Processes.workSeconds(service.pid());
            depot.post("/v1/admin/projections/download-history/replay", admin, null).expect(202);
            awaitCaughtUp("download-history", Duration.ofMinutes(30));
            if (!profiled) {
                rates.add((head + 1) / ((System.nanoTime() - t0) / 1e9));
                cpu.add((Processes.workSeconds(service.pid()) - work0) / (head + 1) * 1e6);
                System.out.printf("f: replay %d: %.0f events/s, service CPU %.1f s per million events%n", run + 1,
                        rates.get(rates.size() - 1), cpu.get(cpu.size() - 1));
            }
        }
        List<String> profile = profiler.stop("f", "during one more replay, after the measured ones");
        Stats rate = Stats.of(rates);
        lines.add(String.format("%,d FileDownloaded events were appended to the event store (with the events of the "
                + "other benchmarks: %,d in all), then the `download-history` projection (one MongoDB document per "
                + "download, in the read-model store) was rebuilt beside its live copy through "
                + "`POST /v1/admin/projections/download-history/replay` and timed until the new copy reached the head "
                + "and reads switched to it: %s. "
                + "Before the replays, all %d event processors read the new events once, which took %.0f s. "
                + "The service's CPU during each replay, JIT compilers apart: %s per million events.",
                events, head + 1, rate.format("events/s", 0), processorCount(), catchUpSeconds,
                Stats.of(cpu).format("s", 1)));
        lines.add("");
        lines.addAll(profile);
        section.row("f", "replay of a projection from " + String.format("%,d", head + 1) + " events",
                String.format("%.0f events/s", rate.median()), ">= 100,000 events/s", rate.median() >= 100_000);
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
        service.requireRunning();
        try {
            return depot.get(path, admin);
        } catch (UncheckedIOException e) {
            return null;
        }
    }

    private int processorCount() {
        return depot.get("/v1/admin/projections", admin).expect(200).json().size();
    }

    /** Waits until the read model's previous copy, after a rebuild, is gone, so that the next rebuild may start. */
    private void awaitRetired(String processor, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            DepotClient.Reply reply = statusOrNull("/v1/admin/projections/" + processor);
            if (reply != null && reply.status() == 200) {
                JsonNode retiring = reply.json().path("generation").path("retiring_generation");
                if (retiring.isMissingNode() || retiring.isNull()) {
                    return;
                }
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(processor + " did not retire its previous copy within " + timeout);
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
}
