package io.depot.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import io.depot.platform.storage.ObjectStorage;
import io.depot.worker.scan.ClamdClient;
import io.depot.worker.scan.ClamdProperties;
import io.depot.worker.scan.ScanResult;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * A worker JVM of its own for the scanning benchmark, started with a small heap: it scans one stored object the way
 * {@code MalwareScanner} does ({@code ObjectStorage.open} piped into {@code ClamdClient.scan}), or a local file
 * through the same client, after one small warm-up scan, and prints what the scan took and what its heap held.
 * <p>
 * Heap "after GC" is what each collection left in the heap pools, taken from the collector's own notifications, so
 * it holds what the scan retained plus old garbage not yet collected; besides the collections the allocations cause,
 * a full collection is requested every 5 s of the scan, so the figure does not depend on when the collector happened
 * to run. A collection that ended after the scan's start counts.
 * <p>
 * Arguments: {@code s3 <endpoint> <access key> <secret key> <bucket> <warm-up key> <key> <clamd> <max stream bytes>}
 * or {@code file <warm-up path> <path> <clamd> <max stream bytes>}, then optionally one more key or path to scan
 * after the measured scan, whose verdict and time are printed apart.
 */
public final class ScanWorker {

    private static final long MIB = 1024 * 1024;
    private static final Duration TIMEOUT = Duration.ofMinutes(1);
    /** How often a full collection is requested during the scan; 0 for never. */
    private static final Duration PROBE_EVERY = Duration.ofMillis(Long.getLong("depot.bench.gc-probe-ms", 5000));

    private final List<long[]> collections = new ArrayList<>();
    private final Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName).collect(Collectors.toSet());

    public static void main(String[] args) throws Exception {
        new ScanWorker().run(args);
        // The S3 client's event loop threads would keep the JVM up.
        System.exit(0);
    }

    interface Source {
        InputStream open(String id) throws IOException;

        long size(String id) throws IOException;
    }

    private void run(String[] args) throws Exception {
        boolean s3 = args[0].equals("s3");
        Source source;
        String warmUp;
        String id;
        int next;
        if (s3) {
            // As StorageAutoConfiguration builds it for the services.
            S3AsyncClient client = S3AsyncClient.builder()
                    .region(Region.US_EAST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(args[2], args[3])))
                    .forcePathStyle(true)
                    .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                    .httpClientBuilder(NettyNioAsyncHttpClient.builder()
                            .maxConcurrency(512)
                            .connectionAcquisitionTimeout(Duration.ofSeconds(30)))
                    .endpointOverride(URI.create(args[1]))
                    .build();
            ObjectStorage storage = new ObjectStorage(client, null, args[4], new ObjectStorage.Encryption(null, null));
            source = new Source() {
                @Override
                public InputStream open(String key) {
                    ResponseInputStream<GetObjectResponse> object = storage.open(key).block(TIMEOUT);
                    return object;
                }

                @Override
                public long size(String key) {
                    return storage.head(key).block(TIMEOUT).orElseThrow().size();
                }
            };
            warmUp = args[5];
            id = args[6];
            next = 7;
        } else {
            source = new Source() {
                @Override
                public InputStream open(String path) throws IOException {
                    return Files.newInputStream(Path.of(path));
                }

                @Override
                public long size(String path) throws IOException {
                    return Files.size(Path.of(path));
                }
            };
            warmUp = args[1];
            id = args[2];
            next = 3;
        }
        ClamdClient clamd = new ClamdClient(ClamdProperties.of(URI.create(args[next]))
                .withMaxStreamBytes(Long.parseLong(args[next + 1]))
                .withTimeouts(Duration.ofSeconds(2), Duration.ofMinutes(3)));
        listenToCollections();

        // A worker has scanned before: classes loaded, connections and pools made.
        scan(source, clamd, warmUp);
        System.gc();
        System.gc();
        Thread.sleep(500);
        long idleHeap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        double idleRss = Processes.rssMiB(ProcessHandle.current().pid());
        double idleDirect = directMiB();

        AtomicBoolean scanning = new AtomicBoolean(true);
        double[] peaks = {idleRss, idleDirect, 0};
        long scanStart = ManagementFactory.getRuntimeMXBean().getUptime();
        Thread sampler = new Thread(() -> {
            long lastProbe = System.nanoTime();
            while (scanning.get()) {
                peaks[0] = Math.max(peaks[0], Processes.rssMiB(ProcessHandle.current().pid()));
                peaks[1] = Math.max(peaks[1], directMiB());
                peaks[2] = Math.max(peaks[2], ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
                if (!PROBE_EVERY.isZero() && System.nanoTime() - lastProbe >= PROBE_EVERY.toNanos()) {
                    System.gc();
                    lastProbe = System.nanoTime();
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "heap-sampler");
        sampler.start();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long clamdPid = Long.getLong("depot.bench.clamd-pid", -1);
        double clamd0 = clamdPid > 0 ? Processes.cpuSeconds(clamdPid) : 0;
        long storePid = Long.getLong("depot.bench.s3proxy-pid", -1);
        double store0 = s3 && storePid > 0 ? Processes.cpuSeconds(storePid) : 0;
        double machine0 = Processes.machineBusySeconds();
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        ScanResult result = scan(source, clamd, id);
        long t1 = System.nanoTime();
        long cpu = os.getProcessCpuTime() - cpu0;
        double machineBusy = (Processes.machineBusySeconds() - machine0) / ((t1 - t0) / 1e9)
                / Runtime.getRuntime().availableProcessors();
        double clamdCpu = clamdPid > 0 ? Processes.cpuSeconds(clamdPid) - clamd0 : -1;
        double storeCpu = s3 && storePid > 0 ? Processes.cpuSeconds(storePid) - store0 : -1;
        scanning.set(false);
        sampler.join();
        long scanEnd = ManagementFactory.getRuntimeMXBean().getUptime();
        // Notifications come from a service thread, a little after the collection.
        Thread.sleep(500);
        long peakAfterGc = -1;
        int during = 0;
        int forced = 0;
        synchronized (collections) {
            for (long[] c : collections) {
                if (c[1] >= scanStart && c[0] <= scanEnd) {
                    during++;
                    forced += (int) c[3];
                    peakAfterGc = Math.max(peakAfterGc, c[2]);
                }
            }
        }
        Map<String, String> out = new LinkedHashMap<>();
        out.put("verdict", describe(result));
        out.put("bytes", Long.toString(source.size(id)));
        out.put("seconds", Double.toString((t1 - t0) / 1e9));
        out.put("cpu_seconds", Double.toString(cpu / 1e9));
        out.put("clamd_cpu_seconds", Double.toString(clamdCpu));
        out.put("machine_busy", Double.toString(machineBusy));
        out.put("s3proxy_cpu_seconds", Double.toString(storeCpu));
        out.put("xmx_mib", Long.toString(Runtime.getRuntime().maxMemory() / MIB));
        out.put("gc", ManagementFactory.getGarbageCollectorMXBeans().stream().map(GarbageCollectorMXBean::getName)
                .collect(Collectors.joining("+")).replace(' ', '_'));
        out.put("idle_heap_mib", mib(idleHeap));
        out.put("peak_after_gc_mib", peakAfterGc < 0 ? "-1" : mib(peakAfterGc));
        out.put("peak_used_mib", mib((long) peaks[2]));
        out.put("collections", Integer.toString(during));
        out.put("forced_collections", Integer.toString(forced));
        out.put("idle_rss_mib", String.format(Locale.ROOT, "%.1f", idleRss));
        out.put("peak_rss_mib", String.format(Locale.ROOT, "%.1f", peaks[0]));
        out.put("idle_direct_mib", String.format(Locale.ROOT, "%.1f", idleDirect));
        out.put("peak_direct_mib", String.format(Locale.ROOT, "%.1f", peaks[1]));
        System.out.println("scan-result " + out.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(" ")));
        if (args.length > next + 2) {
            String check = args[next + 2];
            long c0 = System.nanoTime();
            ScanResult checked = scan(source, clamd, check);
            System.out.println("check-result verdict=" + describe(checked) + " bytes=" + source.size(check)
                    + " seconds=" + (System.nanoTime() - c0) / 1e9);
        }
        System.out.flush();
        // The S3 client is not closed: closing its event loops waits for a quiet period, and main exits at once.
    }

    /** The scanner's own steps: size, then the object's stream into clamd, closed after the verdict. */
    private static ScanResult scan(Source source, ClamdClient clamd, String id) throws IOException {
        long size = source.size(id);
        try (InputStream in = source.open(id)) {
            return clamd.scan(in, size);
        }
    }

    private static String describe(ScanResult result) {
        if (result instanceof ScanResult.Infected infected) {
            return "FOUND:" + infected.signature();
        }
        return result instanceof ScanResult.Clean ? "CLEAN" : "TOO_LARGE";
    }

    /** Records each collection: start and end (ms of uptime), heap pools' use after it, and whether it was asked for. */
    private void listenToCollections() {
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) gc).addNotificationListener((notification, handback) -> {
                if (!notification.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
                    return;
                }
                GarbageCollectionNotificationInfo info =
                        GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
                long after = 0;
                for (Map.Entry<String, MemoryUsage> pool : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                    if (heapPools.contains(pool.getKey())) {
                        after += pool.getValue().getUsed();
                    }
                }
                long explicit = info.getGcCause().equals("System.gc()") ? 1 : 0;
                synchronized (collections) {
                    collections.add(new long[]{info.getGcInfo().getStartTime(), info.getGcInfo().getEndTime(), after,
                            explicit});
                }
            }, null, null);
        }
    }

    /** Direct buffers the JDK counts, and those Netty allocates past that count when it does. */
    private static double directMiB() {
        long bytes = 0;
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                bytes += pool.getMemoryUsed();
            }
        }
        long netty = io.netty.util.internal.PlatformDependent.usedDirectMemory();
        return (bytes + Math.max(0, netty)) / (double) MIB;
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / (double) MIB);
    }
}
