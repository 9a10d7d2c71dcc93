package io.depot.bench;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Benchmarks a and b: the bytes of an upload through the service against presigned PUTs to the same S3Proxy, with
 * the CPU each side spends per GiB, and beside them the same presigned PUTs through nginx as a streaming reverse proxy,
 * the reference for the service's CPU per GiB; and the service's CPU for a presigned upload from initiate to complete.
 */
final class DataPathBenchmark extends ServiceBenchmark {

    private final AtomicInteger reportRetries = new AtomicInteger();
    private final Processes processes;
    private final Path work;
    private Processes.Server nginx;

    DataPathBenchmark(Setup setup, Processes processes, Path work) {
        super("ab", "a, b. Data path: through the service against presigned PUTs to the same S3Proxy", setup);
        this.processes = processes;
        this.work = work;
    }

    @Override
    public void run(Report.Section section) throws Exception {
        List<String> lines = section.lines();
        double gib = data.length / (double) (1024 * MIB);
        nginx = Nginx.start(processes, work, s3);
        // One untimed upload each way first: the service's first requests load classes and feed the JIT.
        for (String mode : List.of("service", "presigned")) {
            dataPathRun(mode, 4, "warm-up-" + mode, null);
        }
        Map<String, Stats> speed = new LinkedHashMap<>();
        Map<String, Stats> serviceCpu = new LinkedHashMap<>();
        Map<String, Stats> serviceJit = new LinkedHashMap<>();
        Map<String, Stats> storeCpu = new LinkedHashMap<>();
        Map<String, Stats> storeJit = new LinkedHashMap<>();
        Map<String, Stats> clientCpu = new LinkedHashMap<>();
        Map<String, Stats> proxyCpu = new LinkedHashMap<>();
        Map<String, Stats> controlCpu = new LinkedHashMap<>();
        Map<String, Stats> controlJit = new LinkedHashMap<>();
        List<Double> verifyCpu = new ArrayList<>();
        List<String> profiles = new ArrayList<>();
        for (int parallel : new int[]{1, 4}) {
            // "presigned": PUTs to the presigned URLs, then complete with the part list, as S3 clients do;
            // "reported": the same, reporting each part after its PUT (Depot's progress checkpoints, for resuming);
            // "nginx": the presigned PUTs through nginx, streaming each to S3Proxy as the service does.
            List<String> modes = parallel == 1 ? List.of("service", "presigned", "nginx")
                    : List.of("service", "presigned", "reported", "nginx");
            Map<String, List<DataPathRun>> results = new LinkedHashMap<>();
            for (int run = 0; run < options.runs(); run++) {
                for (String mode : modes) {
                    DataPathRun result = dataPathRun(mode, parallel, mode + "-" + parallel + "-" + run, null);
                    results.computeIfAbsent(mode, m -> new ArrayList<>()).add(result);
                    if (result.verifyCpu() >= 0) {
                        verifyCpu.add(result.verifyCpu());
                    }
                }
            }
            results.forEach((mode, runs) -> {
                String key = mode + "-" + parallel;
                speed.put(key, Stats.of(runs.stream().map(r -> data.length / 1e6 / r.seconds()).toList()));
                serviceCpu.put(key, Stats.of(runs.stream().map(r -> r.serviceWork() / gib).toList()));
                serviceJit.put(key, Stats.of(runs.stream().map(r -> r.serviceJit() / gib).toList()));
                storeCpu.put(key, Stats.of(runs.stream().map(r -> r.storeWork() / gib).toList()));
                storeJit.put(key, Stats.of(runs.stream().map(r -> r.storeJit() / gib).toList()));
                clientCpu.put(key, Stats.of(runs.stream().map(r -> r.client() / gib).toList()));
                proxyCpu.put(key, Stats.of(runs.stream().map(r -> r.proxy() / gib).toList()));
                if (parallel == 4 && (mode.equals("presigned") || mode.equals("reported"))) {
                    controlCpu.put(mode, Stats.of(runs.stream().map(DataPathRun::controlWork).toList()));
                    controlJit.put(mode, Stats.of(runs.stream().map(DataPathRun::controlJit).toList()));
                }
            });
        }
        // Profiled apart, after the measured runs: starting a recording instruments some of the JDK's classes, and
        // the JIT then compiles again what depends on them, which would weigh on a measured run.
        profiles.add("");
        profiles.add("a. " + String.join("\n", dataPathRun("service", 1, "profiled-a", "a-service")
                .profile()));
        profiles.add("");
        profiles.add("b. " + String.join("\n", dataPathRun("presigned", 4, "profiled-b", "b-presigned")
                .profile()));
        lines.add(String.format("Part reports sent again because S3Proxy could not list the parts at that moment: %d.",
                reportRetries.get()));
        lines.add(String.format("%s of random bytes in %d MiB parts, after one untimed upload each way. Each run "
                + "initiates, sends every part, then aborts; with 4 parts at a time the presigned runs complete instead "
                + "(for b). Presigned: PUTs to the presigned URLs, then complete with the part list, as S3 clients do; "
                + "reported: the same, reporting each part to Depot after its PUT (the progress checkpoints a "
                + "resuming client uses); nginx: the presigned PUTs sent through Debian's nginx as a streaming reverse "
                + "proxy (`proxy_request_buffering off`, one process) to the same S3Proxy. MB/s over the parts phase. CPU seconds per GiB from /proc over the same "
                + "phase, without the JIT compiler threads, whose own CPU is in the JIT columns: a fresh JVM compiles "
                + "for minutes, which is a cost of starting, not of the bytes moved. The client is this runner's own "
                + "process, all of its CPU. Client, service and S3Proxy share the machine's cores.",
                Report.size(data.length), partSize / MIB));
        lines.add("");
        lines.add("| path | parts at a time | MB/s | service CPU s/GiB | service JIT s/GiB | S3Proxy CPU s/GiB | "
                + "S3Proxy JIT s/GiB | client CPU s/GiB | nginx CPU s/GiB |");
        lines.add("|---|---|---|---|---|---|---|---|---|");
        for (String key : speed.keySet()) {
            String[] k = key.split("-");
            lines.add(String.format("| %s | %s | %s | %s | %s | %s | %s | %s | %s |", k[0], k[1],
                    speed.get(key).format("", 1), serviceCpu.get(key).format("", 2), serviceJit.get(key).format("", 2),
                    storeCpu.get(key).format("", 2), storeJit.get(key).format("", 2), clientCpu.get(key).format("", 2),
                    k[0].equals("nginx") ? proxyCpu.get(key).format("", 2) : "-"));
        }
        for (int parallel : new int[]{1, 4}) {
            double ratio = speed.get("service-" + parallel).median() / speed.get("presigned-" + parallel).median();
            boolean cpuBelow = serviceCpu.get("service-" + parallel).median() < storeCpu.get("service-" + parallel).median();
            section.row("a", "through the service / presigned, " + parallel + " at a time",
                    String.format("%.2f (%.0f / %.0f MB/s); service %.2f vs S3Proxy %.2f CPU s/GiB", ratio,
                            speed.get("service-" + parallel).median(), speed.get("presigned-" + parallel).median(),
                            serviceCpu.get("service-" + parallel).median(), storeCpu.get("service-" + parallel).median()),
                    ">= 0.9; service CPU below the store's", ratio >= 0.9 && cpuBelow);
        }
        for (int parallel : new int[]{1, 4}) {
            double depotCpu = serviceCpu.get("service-" + parallel).median();
            double nginxCpu = proxyCpu.get("nginx-" + parallel).median();
            double multiple = depotCpu / nginxCpu;
            section.row("a", "service CPU per GiB through the service / nginx streaming the same parts, " + parallel
                            + " at a time",
                    String.format("%.2fx (%.2f / %.2f CPU s/GiB)", multiple, depotCpu, nginxCpu), "<= 2x",
                    multiple <= 2.0);
        }
        Stats verify = Stats.of(verifyCpu);
        lines.add("");
        lines.add("b. A presigned multipart upload, 4 parts at a time, from initiate to the completed response: the service "
                + "spent " + controlCpu.get("presigned").format("CPU s", 3) + " (and its JIT compilers "
                + controlJit.get("presigned").format("s", 3) + "); reporting each part as well, "
                + controlCpu.get("reported").format("CPU s", 3) + " (JIT " + controlJit.get("reported").format("s", 3)
                + "). Verifying the new version afterwards (the worker reads the object to compute its SHA-256, "
                + "`depot.finalize.compute-sha256`) spent " + verify.format("CPU s", 2) + ".");
        section.row("b", "service CPU for a presigned " + Report.size(data.length) + " upload (initiate to complete)",
                String.format("%.3f s; %.3f s reporting each part (+ %.2f s SHA-256 verification)",
                        controlCpu.get("presigned").median(), controlCpu.get("reported").median(), verify.median()),
                "<= 0.2 s", controlCpu.get("presigned").median() <= 0.2);
        lines.addAll(profiles);
    }

    /** CPU seconds are without the JIT compiler threads', which are given apart; verifyCpu is -1 when not completed. */
    record DataPathRun(double seconds, double serviceWork, double serviceJit, double storeWork, double storeJit,
                       double client, double proxy, double controlWork, double controlJit, double verifyCpu,
                       List<String> profile) {
    }

    /**
     * One upload of {@code data}; an upload with 4 presigned parts at a time is completed, any other aborted. With a
     * {@code profile} name, the service is recorded from initiate to the last part, or to the completed response.
     */
    private DataPathRun dataPathRun(String mode, int parallel, String name, String profile) throws Exception {
        boolean complete = (mode.equals("presigned") || mode.equals("reported")) && parallel == 4;
        List<String> profileLines = List.of();
        if (profile != null) {
            profiler.start(profile);
        }
        double control0 = Processes.workSeconds(service.pid());
        double controlJit0 = Processes.jitSeconds(service.pid());
        JsonNode upload = depot.initiate(user, "data-" + name + ".bin", data.length, partSize);
        String uploadId = upload.get("upload_id").asText();
        double service0 = Processes.workSeconds(service.pid());
        double serviceJit0 = Processes.jitSeconds(service.pid());
        double store0 = Processes.workSeconds(s3.pid());
        double storeJit0 = Processes.jitSeconds(s3.pid());
        double client0 = Processes.cpuSeconds(ProcessHandle.current().pid());
        double proxy0 = Processes.cpuSeconds(nginx.pid());
        long t0 = System.nanoTime();
        Map<Integer, String> etags = uploadParts(upload, parallel, mode);
        long t1 = System.nanoTime();
        double service1 = Processes.workSeconds(service.pid());
        double serviceJit1 = Processes.jitSeconds(service.pid());
        double store1 = Processes.workSeconds(s3.pid());
        double storeJit1 = Processes.jitSeconds(s3.pid());
        double client1 = Processes.cpuSeconds(ProcessHandle.current().pid());
        double proxy1 = Processes.cpuSeconds(nginx.pid());
        if (profile != null && !complete) {
            profileLines = profiler.stop(profile, "from initiate to the last part of an upload through the service, "
                    + parallel + " part(s) at a time, after the measured runs");
        }
        double controlWork = -1;
        double controlJit = -1;
        double verify = -1;
        if (complete) {
            List<Map<String, Object>> parts = new ArrayList<>();
            etags.forEach((number, etag) -> parts.add(Map.of("part_number", number, "etag", etag)));
            String fileId = depot.post("/v1/uploads/" + uploadId + "/complete", user,
                    mode.equals("presigned") ? Map.of("parts", parts) : null).expect(200).json().get("file_id").asText();
            double completed = Processes.cpuSeconds(service.pid());
            controlWork = Processes.workSeconds(service.pid()) - control0;
            controlJit = Processes.jitSeconds(service.pid()) - controlJit0;
            if (profile != null) {
                profileLines = profiler.stop(profile, "from initiate to the completed response of a presigned upload, "
                        + parallel + " parts at a time, after the measured runs");
            }
            session.awaitAvailable(fileId);
            verify = Processes.cpuSeconds(service.pid()) - completed;
            depot.delete("/v1/files/" + fileId, user).expect(204);
        } else {
            depot.delete("/v1/uploads/" + uploadId, user).expect(204);
        }
        return new DataPathRun((t1 - t0) / 1e9, service1 - service0, serviceJit1 - serviceJit0, store1 - store0,
                storeJit1 - storeJit0, client1 - client0, proxy1 - proxy0, controlWork, controlJit, verify, profileLines);
    }

    /**
     * Sends every part: through the service, or to its presigned URL (and reported, in mode "reported"; through nginx,
     * in mode "nginx").
     */
    private Map<Integer, String> uploadParts(JsonNode upload, int parallel, String mode) throws Exception {
        if (mode.equals("service")) {
            session.putParts(upload, data, partSize, parallel);
            return Map.of();
        }
        String uploadId = upload.get("upload_id").asText();
        return DepotSession.sendParts(upload.get("part_count").asInt(), parallel, number -> {
            int offset = (int) ((number - 1) * partSize);
            int length = (int) Math.min(partSize, data.length - offset);
            String presigned = upload.get("presigned_urls").get(number - 1).asText();
            String url = mode.equals("nginx") ? Nginx.through(nginx, s3, presigned) : presigned;
            String etag = depot.putUrl(depot.http, url, data, offset, length, Map.of());
            if (mode.equals("reported")) {
                reportPart(uploadId, number, etag);
            }
            return etag;
        });
    }

    /**
     * Reports a part put to its presigned URL, as a resuming client does: a report the service could not check is
     * sent again. S3Proxy's filesystem store fails a part listing while another part of the same upload is being
     * written (it trips over the part's temporary file); with four parts in flight that can outlast the service's
     * own retries.
     */
    private void reportPart(String uploadId, int number, String etag) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            DepotClient.Reply reply = depot.post("/v1/uploads/" + uploadId + "/parts/" + number, user, Map.of("etag", etag));
            if (reply.status() == 200) {
                return;
            }
            if (attempt == 20 || !reply.body().contains("storage refused the request")) {
                reply.expect(200);
            }
            reportRetries.incrementAndGet();
            Thread.sleep(500);
        }
    }
}
