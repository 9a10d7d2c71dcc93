package io.depot.bench;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Benchmark i: the service's idle memory and start-up time, and how far its heap rises above idle while a large
 * upload passes through it; and the start-up and idle memory of the embedded default, started as the quick start
 * starts it and the README's faster way ({@link DefaultLaunches}).
 */
final class MemoryBenchmark extends ServiceBenchmark {

    /** How often the heap is collected to read what it holds during the upload. */
    private static final long LIVE_PROBE_MS = 1000;

    private final double idleRssMiB;
    private final DefaultLaunches launches;

    /** {@code idleRssMiB}: the service's RSS once it had started and stood idle, before any benchmark. */
    MemoryBenchmark(Setup setup, double idleRssMiB, Processes processes, Path work) {
        super("i", "i. Memory and start-up of the all-in-one service", setup);
        this.idleRssMiB = idleRssMiB;
        this.launches = new DefaultLaunches(processes, work,
                options.root().resolve("infra/all-in-one/target/depot.jar"));
    }

    @Override
    public void run(Report.Section section) throws Exception {
        List<String> lines = section.lines();
        long size = options.smoke() ? 64 * MIB : 2048 * MIB;
        byte[] part = session.randomBytes((int) partSize);
        // Two uploads of the same size: one with the heap in use sampled as it is, one with a collection requested
        // before each sample, which would keep the first figure down.
        double idleHeap = Processes.heapUsedMiB(service.pid());
        PeakSampler heap = PeakSampler.every(100, () -> Processes.heapUsedMiB(service.pid()));
        upload(size, part);
        heap.close();
        double peak = Math.max(idleHeap, heap.peak());
        Processes.heapLiveMiB(service.pid());
        double idleLive = Processes.heapLiveMiB(service.pid());
        AtomicInteger probes = new AtomicInteger();
        PeakSampler live = PeakSampler.every(LIVE_PROBE_MS, () -> {
            probes.incrementAndGet();
            return Processes.heapLiveMiB(service.pid());
        });
        long started = System.nanoTime();
        upload(size, part);
        live.close();
        double seconds = (System.nanoTime() - started) / 1e9;
        double liveRise = Math.max(0, live.peak() - idleLive);
        lines.add(String.format("Idle RSS after start-up %.0f MiB; start-up to a healthy `/health` %.1f s (JVM start "
                + "included, on PostgreSQL and the external S3Proxy). Two uploads of %s through the service, 4 parts "
                + "at a time, `-Xmx1g`. During the first, heap in use (young and old generations, `jstat -gc` every "
                + "100 ms) peaked at %.0f MiB against %.0f MiB idle: %.0f MiB above idle, garbage not yet collected "
                + "included, so this moves with when G1 collects. During the second (%.0f s), what the heap holds, "
                + "read right after a full collection requested every %d ms (`jcmd GC.run`, then `jstat -gc`; %d "
                + "reads), peaked at %.0f MiB against %.0f MiB idle after two such collections: %.0f MiB above idle.",
                idleRssMiB, service.startupSeconds(), Report.size(size), peak, idleHeap, peak - idleHeap, seconds,
                LIVE_PROBE_MS, probes.get(), live.peak(), idleLive, liveRise));
        section.row("i", "heap above idle during a " + Report.size(size) + " upload through the service, after GC",
                String.format("%.0f MiB (in use, garbage included: %.0f MiB)", liveRise, peak - idleHeap),
                "<= 64 MiB", liveRise <= 64);
        section.row("i", "idle RSS; start-up time",
                String.format("%.0f MiB; %.1f s", idleRssMiB, service.startupSeconds()), "<= 300 MiB; <= 4 s",
                idleRssMiB <= 300 && service.startupSeconds() <= 4);

        DefaultLaunches.Result launched = launches.measure(options.smoke() ? 1 : 3);
        lines.add(String.format("The embedded default (H2 event store, in-process read-model store and S3Proxy, no "
                        + "Redis), each way of starting on a data directory of its own, first on the empty directory "
                        + "(which also creates the stores and the development signing key), then again on what it "
                        + "holds, the two ways alternated, RSS read after %d s idle. `java -Xmx1g -jar depot.jar`, as "
                        + "the quick start runs it: first start %.1f s, then %s to healthy, RSS %s. Extracted with a "
                        + "class-data archive, as the README's faster start runs it: first start %.1f s, then %s, RSS "
                        + "%s. The archive (%d MiB) took one training start of %.1f s to make.",
                5, launched.jar().firstSeconds(), launched.jar().seconds().format("s", 1),
                launched.jar().rssMiB().format("MiB", 0), launched.archived().firstSeconds(),
                launched.archived().seconds().format("s", 1), launched.archived().rssMiB().format("MiB", 0),
                launched.archiveMiB(), launched.trainingSeconds()));
        double archivedSeconds = launched.archived().seconds().median();
        double archivedRss = launched.archived().rssMiB().median();
        section.row("i", "embedded default, a start after the first: start-up; idle RSS (`java -jar` / extracted with a "
                        + "class-data archive)",
                String.format("%.1f s, %.0f MiB / %.1f s, %.0f MiB", launched.jar().seconds().median(),
                        launched.jar().rssMiB().median(), archivedSeconds, archivedRss), "<= 4 s; <= 300 MiB",
                archivedSeconds <= 4 && archivedRss <= 300);
    }

    /** One upload of {@code size} bytes through the service, its parts {@code part}, then deleted. */
    private void upload(long size, byte[] part) throws Exception {
        JsonNode upload = depot.initiate(user, "memory.bin", size, partSize);
        String uploadId = upload.get("upload_id").asText();
        DepotSession.sendParts(upload.get("part_count").asInt(), 4, number -> {
            session.putPart(uploadId, number, part, 0, (int) Math.min(partSize, size - (number - 1) * partSize));
            return null;
        });
        depot.delete("/v1/uploads/" + uploadId, user).expect(204);
    }
}
