package io.depot.bench;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Benchmark h: the tus peer (benchmarks/tus: @tus/server with @tus/s3-store, Node) on the same S3Proxy, against
 * Depot's upload through the service and Depot's own tus endpoint. tus sends one upload's PATCHes one after another,
 * so the like-for-like comparison is Depot with one part at a time of the same size; tus in a single PATCH is its
 * best case, shown beside it.
 */
final class PeerBenchmark extends ServiceBenchmark {

    private final Processes processes;
    private final Path work;

    PeerBenchmark(Setup setup, Processes processes, Path work) {
        super("h", "h. A peer: tus (@tus/server with @tus/s3-store) on the same S3Proxy, and Depot's own tus", setup);
        this.processes = processes;
        this.work = work;
    }

    @Override
    public void run(Report.Section section) throws Exception {
        List<String> lines = section.lines();
        Processes.Server tus = TusPeer.start(processes, work, options.root(), s3, partSize);
        URI endpoint = TusPeer.endpoint(tus);
        URI depotTus = URI.create(depot.base + "/v1/tus/");
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Map<String, List<Double>> mbs = new LinkedHashMap<>();
        Map<String, List<Double>> cpu = new LinkedHashMap<>();
        for (String mode : List.of("depot", "tus-chunks", "tus-one-patch", "depot-tus-chunks",
                "depot-tus-one-patch")) {
            mbs.put(mode, new ArrayList<>());
            cpu.put(mode, new ArrayList<>());
        }
        double gib = data.length / (double) (1024 * MIB);
        for (int run = 0; run < options.runs(); run++) {
            for (String mode : mbs.keySet()) {
                long pid = mode.startsWith("depot") ? service.pid() : tus.pid();
                JsonNode upload = mode.equals("depot") ? depot.initiate(user, "peer-" + run + ".bin", data.length, partSize) : null;
                double cpu0 = Processes.cpuSeconds(pid);
                long t0 = System.nanoTime();
                String uploaded = switch (mode) {
                    case "depot" -> {
                        session.putParts(upload, data, partSize, 1);
                        yield null;
                    }
                    case "tus-chunks" -> TusClient.upload(http, endpoint, data, 0, data.length, partSize);
                    case "tus-one-patch" -> TusClient.upload(http, endpoint, data, 0, data.length, data.length);
                    case "depot-tus-chunks" -> TusClient.upload(http, depotTus, user, data, 0, data.length, partSize);
                    default -> TusClient.upload(http, depotTus, user, data, 0, data.length, data.length);
                };
                long t1 = System.nanoTime();
                mbs.get(mode).add(data.length / 1e6 / ((t1 - t0) / 1e9));
                cpu.get(mode).add((Processes.cpuSeconds(pid) - cpu0) / gib);
                if (mode.startsWith("depot-tus")) {
                    // The new version is verified in the background (its SHA-256 read back from storage): let that
                    // end before the next measurement of the service begins.
                    session.fileOf(uploaded.substring(uploaded.lastIndexOf('/') + 1));
                }
                if (upload != null) {
                    depot.delete("/v1/uploads/" + upload.get("upload_id").asText(), user).expect(204);
                }
            }
        }
        lines.add(String.format("%s of random bytes. Depot: through the service, %d MiB parts one at a time (as in a). "
                + "tus: the creation request, then PATCHes of %d MiB one after another, or the whole file in one "
                + "PATCH, to the peer or to Depot's tus endpoint (`/v1/tus/`, with the bearer token); both write %d MiB "
                + "S3 parts (the peer's part size, and the service's default part size in this run). Timed from the "
                + "first request to the answer of the last, which for tus completes the upload; Depot's background "
                + "verification of the new file runs after, outside the timing, and is waited for before the next "
                + "measurement. CPU seconds per GiB are the server process's own (Depot's JVM, or Node), JIT compilers "
                + "included.", Report.size(data.length), partSize / MIB, partSize / MIB, partSize / MIB));
        lines.add("");
        lines.add("| server | requests | MB/s | server CPU s/GiB |");
        lines.add("|---|---|---|---|");
        Map<String, String> labels = Map.of("depot", "Depot through the service | " + (partSize / MIB) + " MiB parts",
                "tus-chunks", "tus peer | " + (partSize / MIB) + " MiB PATCHes", "tus-one-patch", "tus peer | one PATCH",
                "depot-tus-chunks", "Depot tus | " + (partSize / MIB) + " MiB PATCHes",
                "depot-tus-one-patch", "Depot tus | one PATCH");
        for (String mode : mbs.keySet()) {
            lines.add(String.format("| %s | %s | %s |", labels.get(mode), Stats.of(mbs.get(mode)).format("", 1),
                    Stats.of(cpu.get(mode)).format("", 2)));
        }
        double depotSpeed = Stats.of(mbs.get("depot")).median();
        double chunks = Stats.of(mbs.get("tus-chunks")).median();
        double single = Stats.of(mbs.get("tus-one-patch")).median();
        section.row("h", "Depot / tus, same part size, one at a time", String.format("%.2f (%.0f / %.0f MB/s); "
                + "against tus in one PATCH %.2f", depotSpeed / chunks, depotSpeed, chunks, depotSpeed / single),
                "Depot/peer >= 1.0", depotSpeed / chunks >= 1.0);
        double ownChunks = Stats.of(mbs.get("depot-tus-chunks")).median();
        double ownSingle = Stats.of(mbs.get("depot-tus-one-patch")).median();
        double ownCpu = Stats.of(cpu.get("depot-tus-chunks")).median();
        section.row("h", "Depot tus / tus peer, " + (partSize / MIB) + " MiB PATCHes; one PATCH",
                String.format("%.2f (%.0f / %.0f MB/s); %.2f (%.0f / %.0f MB/s)", ownChunks / chunks, ownChunks,
                        chunks, ownSingle / single, ownSingle, single), "Depot/peer >= 1.0",
                ownChunks / chunks >= 1.0 && ownSingle / single >= 1.0);
        section.row("h", "Depot tus, " + (partSize / MIB) + " MiB PATCHes / Depot through the service, "
                        + (partSize / MIB) + " MiB parts", String.format("%.2f (%.0f / %.0f MB/s); CPU %.2f / %.2f s/GiB",
                        ownChunks / depotSpeed, ownChunks, depotSpeed, ownCpu, Stats.of(cpu.get("depot")).median()),
                "report", true);
        // Where the service's CPU goes on each of its two paths: one more upload of each, recorded.
        List<String> profiled = List.of("depot", "depot-tus-chunks");
        for (String mode : profiled) {
            String name = mode.equals("depot") ? "h-depot-service" : "h-depot-tus";
            JsonNode upload = mode.equals("depot") ? depot.initiate(user, "peer-profiled.bin", data.length, partSize)
                    : null;
            profiler.start(name);
            String uploaded = null;
            if (upload != null) {
                session.putParts(upload, data, partSize, 1);
            } else {
                uploaded = TusClient.upload(http, depotTus, user, data, 0, data.length, partSize);
            }
            List<String> profile = profiler.stop(name, mode.equals("depot")
                    ? "during an upload through the service, " + (partSize / MIB) + " MiB parts one at a time, after "
                    + "the measured runs"
                    : "during a tus upload to the service, " + (partSize / MIB) + " MiB PATCHes, from the creation "
                    + "request to the last PATCH's answer, after the measured runs");
            lines.add("");
            lines.add((mode.equals("depot") ? "Depot through the service. " : "Depot tus. ") + profile.get(0));
            lines.addAll(profile.subList(1, profile.size()));
            if (upload != null) {
                depot.delete("/v1/uploads/" + upload.get("upload_id").asText(), user).expect(204);
            } else {
                session.fileOf(uploaded.substring(uploaded.lastIndexOf('/') + 1));
            }
        }
        tus.process().destroy();
    }
}
