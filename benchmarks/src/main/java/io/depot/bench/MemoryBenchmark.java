package io.depot.bench;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * Benchmark i: the service's idle memory and start-up time, and how far its heap rises above idle while a large
 * upload passes through it.
 */
final class MemoryBenchmark extends ServiceBenchmark {

    private final double idleRssMiB;

    /** {@code idleRssMiB}: the service's RSS once it had started and stood idle, before any benchmark. */
    MemoryBenchmark(Setup setup, double idleRssMiB) {
        super("i", "i. Memory and start-up of the all-in-one service", setup);
        this.idleRssMiB = idleRssMiB;
    }

    @Override
    public void run(Report.Section section) throws Exception {
        List<String> lines = section.lines();
        long size = options.smoke() ? 64 * MIB : 2048 * MIB;
        byte[] part = session.randomBytes((int) partSize);
        double idleHeap = Processes.heapUsedMiB(service.pid());
        PeakSampler heap = PeakSampler.every(100, () -> Processes.heapUsedMiB(service.pid()));
        JsonNode upload = depot.initiate(user, "memory.bin", size, partSize);
        String uploadId = upload.get("upload_id").asText();
        DepotSession.sendParts(upload.get("part_count").asInt(), 4, number -> {
            session.putPart(uploadId, number, part, 0, (int) Math.min(partSize, size - (number - 1) * partSize));
            return null;
        });
        heap.close();
        depot.delete("/v1/uploads/" + uploadId, user).expect(204);
        double peak = Math.max(idleHeap, heap.peak());
        double rise = peak - idleHeap;
        lines.add(String.format("Idle RSS after start-up %.0f MiB; start-up to a healthy `/health` %.1f s (JVM start "
                + "included, on PostgreSQL and the external S3Proxy). During a %s upload through the service, 4 parts "
                + "at a time, heap in use (young and old generations, `jstat -gc` every 100 ms, `-Xmx1g`) peaked at "
                + "%.0f MiB against %.0f MiB idle: %.0f MiB above idle. Heap in use counts garbage not yet collected, so "
                + "this bounds what the upload retains from above.", idleRssMiB, service.startupSeconds(),
                Report.size(size), peak, idleHeap, rise));
        section.row("i", "heap above idle during a " + Report.size(size) + " upload through the service",
                String.format("%.0f MiB", rise), "<= 64 MiB", rise <= 64);
        section.row("i", "idle RSS; start-up time",
                String.format("%.0f MiB; %.1f s", idleRssMiB, service.startupSeconds()), "<= 300 MiB; <= 4 s",
                idleRssMiB <= 300 && service.startupSeconds() <= 4);
    }
}
