package io.depot.bench;

import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.services.s3.S3AsyncClient;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark j: a version scanned for malware as the workers scan it, {@code ObjectStorage.open} streaming the object
 * from S3Proxy into {@code ClamdClient.scan}, in a worker JVM of its own with a small heap ({@link ScanWorker}); beside
 * it the same client reading a local file, and ClamAV's own {@code clamdscan} on a local file, all against one clamd
 * started here. clamd remembers the verdict for content it has scanned, so every scan gets bytes never scanned before.
 */
final class ScanBenchmark implements Benchmark {

    private static final long MIB = 1024 * 1024;
    private static final String BUCKET = "depot-scan-bench";
    private static final String XMX = System.getenv().getOrDefault("DEPOT_BENCH_SCAN_XMX", "96m");
    /**
     * How often the worker requests a full collection while it scans, in ms; 0 to see the scan without them. Each
     * costs the worker CPU: once a second, they were a third of its CPU per GiB.
     */
    private static final String GC_PROBE_MS = System.getenv().getOrDefault("DEPOT_BENCH_SCAN_GC_PROBE_MS", "5000");

    private final Processes processes;
    private final Path work;
    private final int s3Port;
    private final long s3Pid;
    private final boolean smoke;
    private long seed = 4242;
    private String workerClasspath;

    ScanBenchmark(Options options, Processes processes, Path work, Processes.Server s3) {
        this.processes = processes;
        this.work = work.resolve("scan");
        this.s3Port = s3.port();
        this.s3Pid = s3.pid();
        this.smoke = options.smoke();
    }

    @Override
    public String letters() {
        return "j";
    }

    @Override
    public String title() {
        return "j. Virus scanning: " + (smoke ? "8 MiB" : "1 GiB") + " through clamd";
    }

    private int runs() {
        // Each run moves 4 GiB through clamd; 3 runs keep the benchmark within minutes.
        return smoke ? 1 : 3;
    }

    @Override
    public void run(Report.Section section) throws Exception {
        long size = smoke ? 8 * MIB : 1024 * MIB;
        long warmUpSize = smoke ? MIB : 8 * MIB;
        Files.createDirectories(work);
        Clamd clamd = Clamd.start(processes, work.resolve("clamd"));
        try (S3AsyncClient s3 = s3Client()) {
            s3.createBucket(b -> b.bucket(BUCKET)).get(1, TimeUnit.MINUTES);
            Map<String, List<ScanRun>> results = new LinkedHashMap<>();
            for (String mode : List.of("depot-s3", "depot-file", "clamdscan-stream", "clamdscan-fdpass")) {
                results.put(mode, new ArrayList<>());
            }
            Map<String, ScanRun> checks = new LinkedHashMap<>();
            for (int run = 0; run < runs(); run++) {
                for (String mode : results.keySet()) {
                    // In the last run, Depot from S3 and clamdscan --stream scan one more object afterwards:
                    // random bytes ending in the EICAR test file, found only if clamd saw the stream to its end.
                    boolean check = (mode.equals("depot-s3") || mode.equals("clamdscan-stream")) && run == runs() - 1;
                    ScanRun result = scan(mode, s3, clamd, size, warmUpSize, mode + "-" + run, check);
                    if (!result.verdict().equals("CLEAN")) {
                        throw new IllegalStateException(mode + " scanned random bytes as " + result.verdict());
                    }
                    results.get(mode).add(result);
                    if (check) {
                        checks.put(mode, result.check());
                    }
                    System.out.printf(Locale.ROOT, "j %s run %d: %.1f MB/s%s%n", mode, run, result.mbs(),
                            result.worker() == null ? "" : String.format(Locale.ROOT, ", heap above idle %.1f MiB",
                                    result.heapRise()));
                }
            }
            report(section, results, checks, size, clamd);
        }
    }

    /** One scan; {@code worker} holds what the worker JVM measured, {@code check} the scan after it, if any. */
    record ScanRun(double seconds, String verdict, double clamdCpu, double machineBusy, Map<String, String> worker,
                   long bytes, ScanRun check) {

        double mbs() {
            return bytes / 1e6 / seconds;
        }

        double number(String key) {
            return Double.parseDouble(worker.get(key));
        }

        /** Heap after GC at its peak during the scan (heap in use when no collection ran), above idle after GC. */
        double heapRise() {
            double peak = number("peak_after_gc_mib");
            return (peak < 0 ? number("peak_used_mib") : peak) - number("idle_heap_mib");
        }
    }

    private ScanRun scan(String mode, S3AsyncClient s3, Clamd clamd, long size, long warmUpSize, String name,
                         boolean check) throws Exception {
        Path file = write(work.resolve(name + ".bin"), size, false);
        Path warmUp = mode.startsWith("depot") ? write(work.resolve(name + "-warm-up.bin"), warmUpSize, false) : null;
        Path infected = check ? write(work.resolve(name + "-eicar.bin"), size, true) : null;
        try {
            switch (mode) {
                case "clamdscan-stream", "clamdscan-fdpass" -> {
                    String option = mode.equals("clamdscan-stream") ? "--stream" : "--fdpass";
                    double clamd0 = Processes.cpuSeconds(clamd.pid());
                    double machine0 = Processes.machineBusySeconds();
                    Clamd.ClamdscanRun run = clamd.clamdscan(option, file);
                    double clamdCpu = Processes.cpuSeconds(clamd.pid()) - clamd0;
                    double machineBusy = (Processes.machineBusySeconds() - machine0) / run.seconds()
                            / Runtime.getRuntime().availableProcessors();
                    ScanRun checked = null;
                    if (infected != null) {
                        Clamd.ClamdscanRun c = clamd.clamdscan(option, infected);
                        Clamd.ClamdscanRun d = clamd.clamdscanWithDefaultLimit(infected);
                        checked = new ScanRun(c.seconds(), verdict(c), -1, -1, null, size,
                                new ScanRun(d.seconds(), verdict(d), -1, -1, null, size, null));
                    }
                    return new ScanRun(run.seconds(), verdict(run), clamdCpu, machineBusy, null, size, checked);
                }
                case "depot-file" -> {
                    return worker(List.of("file", warmUp.toString(), file.toString(), clamd.address().toString(),
                            Long.toString(clamd.limitBytes())), name, clamd);
                }
                default -> {
                    String key = "scan/" + name;
                    List<String> keys = new ArrayList<>(List.of(key, key + "-warm-up"));
                    put(s3, key, file);
                    put(s3, key + "-warm-up", warmUp);
                    List<String> args = new ArrayList<>(List.of("s3", "http://127.0.0.1:" + s3Port, S3Proxy.ACCESS_KEY,
                            S3Proxy.SECRET_KEY, BUCKET, key + "-warm-up", key, clamd.address().toString(),
                            Long.toString(clamd.limitBytes())));
                    if (infected != null) {
                        put(s3, key + "-eicar", infected);
                        keys.add(key + "-eicar");
                        args.add(key + "-eicar");
                    }
                    // From here on the bytes are in S3Proxy only.
                    for (Path f : new Path[]{file, warmUp, infected}) {
                        if (f != null) {
                            Files.delete(f);
                        }
                    }
                    ScanRun run = worker(args, name, clamd);
                    for (String k : keys) {
                        s3.deleteObject(b -> b.bucket(BUCKET).key(k)).get(1, TimeUnit.MINUTES);
                    }
                    return run;
                }
            }
        } finally {
            for (Path f : new Path[]{file, warmUp, infected}) {
                if (f != null) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    private static String verdict(Clamd.ClamdscanRun run) {
        return run.verdict().equals("OK") ? "CLEAN" : "FOUND:" + run.verdict().replace(" FOUND", "");
    }

    /** Runs {@link ScanWorker} in a JVM of its own with the small heap, and returns what it measured. */
    private ScanRun worker(List<String> args, String name, Clamd clamd) throws Exception {
        Path log = work.resolve(name + "-worker.log");
        List<String> command = new ArrayList<>(List.of(Processes.javaTool("java"), "-Xmx" + XMX,
                // Out of memory is the finding, not something to limp on from.
                "-XX:+ExitOnOutOfMemoryError", "-Ddepot.bench.clamd-pid=" + clamd.pid(),
                "-Ddepot.bench.gc-probe-ms=" + GC_PROBE_MS, "-Ddepot.bench.s3proxy-pid=" + s3Pid,
                "-cp", workerClasspath(), ScanWorker.class.getName()));
        command.addAll(args);
        Process p = processes.start(command, Map.of(), log);
        if (!p.waitFor(15, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("the scanning worker did not finish within 15 min; see " + log);
        }
        String output = Files.readString(log);
        Map<String, String> scan = printed(output, "scan-result ");
        if (p.exitValue() != 0 || scan == null) {
            throw new IllegalStateException("the scanning worker (-Xmx" + XMX + ") exited with " + p.exitValue()
                    + ":\n" + output);
        }
        Map<String, String> check = printed(output, "check-result ");
        ScanRun checked = check == null ? null : new ScanRun(Double.parseDouble(check.get("seconds")),
                check.get("verdict"), -1, -1, null, Long.parseLong(check.get("bytes")), null);
        return new ScanRun(Double.parseDouble(scan.get("seconds")), scan.get("verdict"),
                Double.parseDouble(scan.get("clamd_cpu_seconds")), Double.parseDouble(scan.get("machine_busy")), scan,
                Long.parseLong(scan.get("bytes")), checked);
    }

    /**
     * The class path for the worker JVMs, with Depot's own jars copied once: a build of this checkout meanwhile would
     * otherwise change the classes under the workers started after it.
     */
    private String workerClasspath() throws IOException {
        if (workerClasspath == null) {
            Path lib = Files.createDirectories(work.resolve("lib"));
            List<String> entries = new ArrayList<>();
            for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
                Path path = Path.of(entry);
                boolean depotJar = entry.endsWith(".jar") && path.getFileName().toString().startsWith("depot-");
                if (depotJar && Files.isRegularFile(path)) {
                    path = Files.copy(path, lib.resolve(path.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
                entries.add(path.toString());
            }
            workerClasspath = String.join(java.io.File.pathSeparator, entries);
        }
        return workerClasspath;
    }

    /** The {@code key=value} pairs of the line the worker printed after {@code prefix}, or null. */
    private static Map<String, String> printed(String output, String prefix) {
        String line = output.lines().filter(l -> l.startsWith(prefix)).findFirst().orElse(null);
        if (line == null) {
            return null;
        }
        Map<String, String> values = new HashMap<>();
        for (String pair : line.substring(prefix.length()).split(" ")) {
            values.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
        }
        return values;
    }

    private S3AsyncClient s3Client() {
        return S3Proxy.configure(S3AsyncClient.builder(), s3Port).build();
    }

    private static void put(S3AsyncClient s3, String key, Path file) throws Exception {
        long length = Files.size(file);
        s3.putObject(b -> b.bucket(BUCKET).key(key).contentLength(length), AsyncRequestBody.fromFile(file))
                .get(10, TimeUnit.MINUTES);
    }

    /** Random bytes from a seed of their own, so that clamd has never seen them; with EICAR as the last bytes. */
    private Path write(Path file, long size, boolean eicar) throws IOException {
        SplittableRandom random = new SplittableRandom(seed++);
        byte[] tail = Clamd.EICAR.getBytes(StandardCharsets.US_ASCII);
        byte[] buffer = new byte[(int) MIB];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long written = 0; written < size; written += buffer.length) {
                random.nextBytes(buffer);
                int length = (int) Math.min(buffer.length, size - written);
                if (eicar && written + length == size) {
                    System.arraycopy(tail, 0, buffer, length - tail.length, tail.length);
                }
                out.write(buffer, 0, length);
            }
        }
        return file;
    }

    private void report(Report.Section section, Map<String, List<ScanRun>> results,
                        Map<String, ScanRun> checks, long size, Clamd clamd) {
        List<String> lines = section.lines();
        List<ScanRun> depot = results.get("depot-s3");
        ScanRun first = depot.get(0);
        double gib = size / (double) (1024 * MIB);
        lines.add(String.format(Locale.ROOT, "%s of random bytes, fresh for every scan (clamd remembers verdicts by "
                + "content). **Depot, from S3**: a worker JVM of its own (`ScanWorker`, `-Xmx%s`, %s) does what "
                + "`MalwareScanner` does for a version: `ObjectStorage.head`, then `ObjectStorage.open` (the AWS SDK's "
                + "async client on Netty, as the services build it) piped into `ClamdClient.scan` (64 KiB INSTREAM "
                + "chunks over TCP), after one warm-up scan of %s; the object is in S3Proxy (filesystem backend, its "
                + "own JVM). **Depot, from a file**: the same client in the same kind of JVM reading a local file, "
                + "without S3. **clamdscan --stream**: ClamAV's client sends the file over INSTREAM to the same TCP "
                + "port; **clamdscan --fdpass**: it passes clamd the open file over the Unix socket, so clamd reads "
                + "the file itself with no copy. Time: from the first request (HEAD, or clamdscan's start) to the "
                + "verdict. clamd CPU: clamd's own over the scan, from /proc; client CPU: the worker JVM's over the "
                + "scan, its collections included, those requested for the memory figures below too (not measured "
                + "for clamdscan); machine CPU busy: all processes on all %d CPUs over the scan, from /proc/stat, "
                + "anything above what clamd, the client and S3Proxy use is other work on the shared machine.",
                Report.size(size), XMX, first.worker().get("gc").replace('_', ' ').replace("+", " and "),
                Report.size(smoke ? MIB : 8 * MIB), Runtime.getRuntime().availableProcessors()));
        lines.add("");
        lines.add(String.format(Locale.ROOT, "clamd: %s, started by the benchmark on loopback with a database of one "
                + "signature written by it (the EICAR test file; no signatures can be downloaded here), "
                + "`StreamMaxLength`, `MaxFileSize` and `MaxScanSize` %d MiB with `AlertExceedsMax yes` (below the "
                + "stream's size clamd would stop scanning at its limit), `MaxThreads 4`. INSTREAM writes the stream "
                + "to clamd's temporary directory before it scans it, so those modes write the bytes to disk once "
                + "more. A full database of official signatures makes clamd itself slower and much larger; the "
                + "worker's side does not depend on it. Worker, clamd and S3Proxy share the machine's %d CPUs.",
                clamd.version(), Clamd.LIMIT_MIB, Runtime.getRuntime().availableProcessors()));
        lines.add("");
        lines.add("| path | MB/s | s per scan | clamd CPU s/GiB | client CPU s/GiB | S3Proxy CPU s/GiB | machine CPU "
                + "busy |");
        lines.add("|---|---|---|---|---|---|---|");
        Map<String, String> labels = Map.of("depot-s3", "Depot: ObjectStorage.open -> ClamdClient.scan (S3Proxy)",
                "depot-file", "Depot: ClamdClient.scan from a local file", "clamdscan-stream",
                "clamdscan --stream (INSTREAM over TCP)", "clamdscan-fdpass", "clamdscan --fdpass (Unix socket)");
        results.forEach((mode, runs) -> lines.add(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s |",
                labels.get(mode), Stats.of(runs.stream().map(ScanRun::mbs).toList()).format("", 1),
                Stats.of(runs.stream().map(ScanRun::seconds).toList()).format("", 1),
                Stats.of(runs.stream().map(r -> r.clamdCpu() / gib).toList()).format("", 2),
                runs.get(0).worker() == null ? "(clamdscan)" : Stats.of(runs.stream()
                        .map(r -> r.number("cpu_seconds") / gib).toList()).format("", 2),
                mode.equals("depot-s3") ? Stats.of(runs.stream().map(r -> r.number("s3proxy_cpu_seconds") / gib)
                        .toList()).format("", 2) : "",
                Stats.of(runs.stream().map(r -> r.machineBusy() * 100).toList()).format("%", 0))));
        lines.add("");
        lines.add("Memory of the worker JVM while it scans, from inside it: heap after GC is what each collection left "
                + "in the heap pools (the collector's own notifications: what the scan retained, plus old garbage not "
                + "yet collected), " + (GC_PROBE_MS.equals("0") ? "from the collections the allocations cause "
                + "alone" : "with a full collection requested every " + GC_PROBE_MS + " ms of the scan besides those "
                + "the allocations cause") + "; idle is the heap after two full collections following the warm-up "
                + "scan. Heap in use, sampled every 100 ms, counts garbage too. Direct memory: the JDK's direct "
                + "buffers and Netty's own. RSS: the whole process, from /proc.");
        lines.add("");
        lines.add("| path | -Xmx | idle heap after GC MiB | peak heap after GC MiB | rise above idle MiB | collections "
                + "during the scan (requested) | peak heap in use MiB | direct memory idle / peak MiB | RSS idle / peak "
                + "MiB |");
        lines.add("|---|---|---|---|---|---|---|---|---|");
        for (String mode : List.of("depot-s3", "depot-file")) {
            for (ScanRun r : results.get(mode)) {
                Map<String, String> w = r.worker();
                lines.add(String.format(Locale.ROOT, "| %s | %s MiB | %s | %s | %.1f | %s (%s) | %s | %s / %s | %s / %s |",
                        mode.equals("depot-s3") ? "from S3" : "from a file", w.get("xmx_mib"), w.get("idle_heap_mib"),
                        w.get("peak_after_gc_mib").equals("-1") ? "(none ran)" : w.get("peak_after_gc_mib"),
                        r.heapRise(), w.get("collections"), w.get("forced_collections"),
                        w.get("peak_used_mib"), w.get("idle_direct_mib"), w.get("peak_direct_mib"),
                        w.get("idle_rss_mib"), w.get("peak_rss_mib")));
            }
        }
        double worstRise = depot.stream().mapToDouble(ScanRun::heapRise).max().orElseThrow();
        double worstRss = depot.stream().mapToDouble(r -> r.number("peak_rss_mib") - r.number("idle_rss_mib"))
                .max().orElseThrow();
        lines.add("");
        lines.add(String.format(Locale.ROOT, "Every scan completed under `-Xmx%s` (the JVM's whole heap, whatever it "
                + "holds besides the scan); the largest rise of the heap above idle while scanning %s from S3 "
                + "was %.1f MiB, and of the whole process's RSS %.1f MiB. For comparison, ownCloud Infinite Scale's "
                + "antivirus service documents its memory as max file size x workers x 8 to 14 "
                + "(`services/antivirus/README.md`: 844 MB file, 7 GB): a whole process's memory, not a heap, and "
                + "another language, so the comparable figure here is the RSS rise.", XMX, Report.size(size), worstRise,
                worstRss));
        lines.add("");
        ScanRun depotCheck = checks.get("depot-s3");
        ScanRun streamCheck = checks.get("clamdscan-stream");
        lines.add(String.format(Locale.ROOT, "Check that clamd saw each stream to its end: in the last run, Depot from "
                + "S3 (the same worker, after its measured scan) and clamdscan --stream each scanned %s of other random "
                + "bytes whose last 68 bytes are the EICAR test file. Depot: `%s` in %.1f s; clamdscan --stream: `%s` "
                + "in %.1f s. clamdscan --stream sends no more than the `StreamMaxLength` of its own config file and "
                + "reports clamd's verdict on that much as the file's, so its config here sets clamd's limit; with its "
                + "default (100M when unset), the same file answered `%s` in %.1f s.", Report.size(size),
                depotCheck.verdict().replace("FOUND:", "FOUND "), depotCheck.seconds(),
                streamCheck.verdict().replace("FOUND:", "FOUND "), streamCheck.seconds(),
                streamCheck.check().verdict().replace("FOUND:", "FOUND ").replace("CLEAN", "OK"),
                streamCheck.check().seconds()));
        for (var check : checks.entrySet()) {
            if (!check.getValue().verdict().equals("FOUND:" + Clamd.EICAR_FOUND)) {
                throw new IllegalStateException(check.getKey() + " did not find the EICAR file at the end of "
                        + Report.size(size) + ": " + check.getValue().verdict());
            }
        }
        double depotMbs = Stats.of(depot.stream().map(ScanRun::mbs).toList()).median();
        double streamMbs = Stats.of(results.get("clamdscan-stream").stream().map(ScanRun::mbs).toList()).median();
        boolean collected = depot.stream().noneMatch(r -> r.worker().get("peak_after_gc_mib").equals("-1"));
        section.row("j", "heap above idle while a worker scans " + Report.size(size) + " from S3 through clamd",
                String.format(Locale.ROOT, "%.1f MiB %s (largest of %d runs), under -Xmx%s; RSS +%.0f MiB",
                        worstRise, collected ? "after GC" : "in use (no collection ran)", depot.size(), XMX, worstRss),
                "<= 64 MiB", worstRise <= 64);
        section.row("j", "scan of " + Report.size(size) + " from S3 / clamdscan --stream of a local file",
                String.format(Locale.ROOT, "%.2f (%.0f / %.0f MB/s)", depotMbs / streamMbs, depotMbs, streamMbs),
                "report", true);
    }
}
