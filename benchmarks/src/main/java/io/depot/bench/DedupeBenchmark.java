package io.depot.bench;

import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * Benchmark l: deduplication. A workload of uploads from several users in which a share repeats the bytes of a few
 * shared files; once every version is available and the object-deletion worker has caught up, what storage holds
 * under {@code objects/} against what was uploaded, and what a repeat costs: its time from complete to available
 * beside that of new content, and the events each version appends.
 */
final class DedupeBenchmark extends ServiceBenchmark {

    private static final String BUCKET = System.getenv().getOrDefault("DEPOT_S3_BUCKET", "depot");
    /** The share of uploads that are one of the shared files; each shared file's first upload stores it. */
    private static final double SHARE = Double.parseDouble(
            System.getenv().getOrDefault("DEPOT_BENCH_DEDUPE_REPEAT_SHARE", "0.5"));
    private static final int USERS = 4;
    private static final String REFERENCED = "io.depot.blob.BlobReferencedEvent";
    private static final String LINKED = "io.depot.file.FileVersionContentLinkedEvent";

    private final EventStore eventStore;
    private final String admin;

    DedupeBenchmark(Setup setup, EventStore eventStore) {
        super("l", "l. Deduplication: storage saved by repeated uploads, and what a repeat costs", setup);
        this.eventStore = eventStore;
        this.admin = session.admin;
    }

    /** One upload of the workload: its bytes, the content they are, and whether an earlier upload had them. */
    private record Upload(int content, byte[] body, boolean repeat) {
    }

    /** What one run of the workload stored and appended. */
    private record Outcome(long uploaded, long expected, long stored, int objects, int versions, int repeats,
                           long events, long referenced, long linked) {
    }

    @Override
    public void run(Report.Section section) throws Exception {
        List<String> lines = section.lines();
        int uploads = options.smoke() ? 20 : 300;
        int shared = options.smoke() ? 4 : 30;
        long smallest = 64 * 1024;
        long largest = options.smoke() ? MIB : 8 * MIB;
        List<String> tokens = new ArrayList<>();
        for (int u = 0; u < USERS; u++) {
            tokens.add(depot.token("dedupe-" + u));
        }
        List<Long> newLags = Collections.synchronizedList(new ArrayList<>());
        List<Long> repeatLags = Collections.synchronizedList(new ArrayList<>());
        List<Outcome> outcomes = new ArrayList<>();
        List<Double> seconds = new ArrayList<>();
        List<String> loads = new ArrayList<>();
        try (S3Client s3Client = S3Proxy.configure(S3Client.builder(), s3.port()).build()) {
            for (int run = 0; run < options.runs(); run++) {
                loads.add(String.format("%.1f", Processes.loadAverage()));
                List<Upload> workload = workload(new Random(500 + run), uploads, shared, smallest, largest);
                long index = eventStore.head();
                long t0 = System.nanoTime();
                List<String> fileIds = send(workload, tokens, "dedupe-" + run, newLags, repeatLags);
                seconds.add((System.nanoTime() - t0) / 1e9);
                awaitDeletionsDone(Duration.ofMinutes(5));
                outcomes.add(outcome(workload, fileIds, s3Client, index));
            }
        }
        Outcome o = outcomes.get(outcomes.size() - 1);
        boolean same = outcomes.stream().allMatch(x -> x.stored() == x.expected() && x.objects() == o.objects());
        long[] fresh = newLags.stream().mapToLong(Long::longValue).sorted().toArray();
        long[] repeated = repeatLags.stream().mapToLong(Long::longValue).sorted().toArray();
        int sharedUploads = (int) Math.round(uploads * SHARE);
        lines.add(String.format("%d uploads of one part each (initiate, presigned PUT, complete) by %d users, %d at "
                        + "a time; %d of them (%.0f%%, `DEPOT_BENCH_DEDUPE_REPEAT_SHARE`) are of %d shared files taken "
                        + "in turn, the others each of content of its own; sizes %s to %s, spread evenly on a log "
                        + "scale (the shared files over the whole range, the others drawn from it). Every run has "
                        + "bytes of its own. After each complete its client reads `GET /v1/files/{id}` every 10 ms "
                        + "until the version is available; after the last, the benchmark waits until the "
                        + "`object-deletion` worker has caught up, then lists the objects under `objects/` of the "
                        + "run's files in S3Proxy.",
                uploads, USERS, USERS, sharedUploads, SHARE * 100, shared, size(smallest), size(largest)));
        lines.add("");
        lines.add("| figure | value |");
        lines.add("|---|---|");
        lines.add(String.format("| versions; of which repeats of content stored before | %d; %d |", o.versions(),
                o.repeats()));
        lines.add(String.format("| bytes uploaded | %s |", size(o.uploaded())));
        lines.add(String.format("| bytes stored under `objects/` (distinct content: %s) | %s |", size(o.expected()),
                size(o.stored())));
        lines.add(String.format("| bytes saved; uploaded / stored | %s (%.0f%%); %.2f |",
                size(o.uploaded() - o.stored()), 100.0 * (o.uploaded() - o.stored()) / o.uploaded(),
                o.uploaded() / (double) o.stored()));
        lines.add(String.format("| objects stored / versions | %d / %d |", o.objects(), o.versions()));
        lines.add(String.format("| events appended per version; BlobReferenced, FileVersionContentLinked in all "
                        + "| %.1f; %d, %d |",
                o.events() / (double) o.versions(), o.referenced(), o.linked()));
        lines.add(String.format("| complete to available, new content: p50, p90 (%d uploads, all runs) "
                        + "| %.1f ms, %.1f ms |",
                fresh.length, Stats.percentile(fresh, 50), Stats.percentile(fresh, 90)));
        lines.add(String.format("| complete to available, repeats: p50, p90 (%d uploads, all runs) "
                        + "| %.1f ms, %.1f ms |",
                repeated.length, Stats.percentile(repeated, 50), Stats.percentile(repeated, 90)));
        lines.add("| workload, first initiate to last available | " + Stats.of(seconds).format("s", 1) + " |");
        lines.add("");
        lines.add("The table's storage figures are the last run's; " + (same
                ? "every run stored exactly its distinct content, in as many objects as there were distinct contents."
                : "**the runs differed**: " + outcomes + "."));
        lines.add("Every verified version goes through its content's blob, repeated or not (BlobReferenced and "
                + "FileVersionContentLinked, one each per version): a repeat takes the same steps before it is "
                + "available, and its own copy is deleted afterwards by the object-deletion worker, off that path.");
        lines.add("");
        lines.add("The machine's 1-minute load average as each run started: " + String.join(", ", loads)
                + "; above the core count, other work shared the machine.");
        section.row("l", String.format("deduplication, %d uploads with %.0f%% of them of %d shared files", uploads,
                        SHARE * 100, shared),
                String.format("stored %s of %s uploaded (%.2fx); available p50 %.0f ms new, %.0f ms repeat",
                        size(o.stored()), size(o.uploaded()), o.uploaded() / (double) o.stored(),
                        Stats.percentile(fresh, 50), Stats.percentile(repeated, 50)),
                "stored = distinct content", same);
    }

    /**
     * {@code uploads} uploads: a share {@link #SHARE} of them of {@code shared} files, taken in turn, in random places
     * of the order; the others each of content of its own.
     */
    private List<Upload> workload(Random random, int uploads, int shared, long smallest, long largest) {
        List<byte[]> sharedBodies = new ArrayList<>();
        for (int i = 0; i < shared; i++) {
            double at = shared == 1 ? 0 : i / (double) (shared - 1);
            sharedBodies.add(session.randomBytes((int) logScale(smallest, largest, at)));
        }
        List<Boolean> ofShared = new ArrayList<>();
        int sharedUploads = (int) Math.round(uploads * SHARE);
        for (int i = 0; i < uploads; i++) {
            ofShared.add(i < sharedUploads);
        }
        Collections.shuffle(ofShared, random);
        List<Upload> workload = new ArrayList<>();
        Set<Integer> seen = new HashSet<>();
        int next = 0;
        for (int i = 0; i < uploads; i++) {
            if (ofShared.get(i)) {
                int content = next++ % shared;
                workload.add(new Upload(content, sharedBodies.get(content), !seen.add(content)));
            } else {
                byte[] body = session.randomBytes((int) logScale(smallest, largest, random.nextDouble()));
                workload.add(new Upload(shared + i, body, false));
            }
        }
        return workload;
    }

    private static long logScale(long smallest, long largest, double at) {
        return Math.round(smallest * Math.pow(largest / (double) smallest, at));
    }

    /** Sends the workload, a client per user; returns the file ids in the workload's order. */
    private List<String> send(List<Upload> workload, List<String> tokens, String prefix, List<Long> newLags,
                              List<Long> repeatLags) throws Exception {
        List<Callable<String>> sent = new ArrayList<>();
        for (int i = 0; i < workload.size(); i++) {
            Upload upload = workload.get(i);
            String token = tokens.get(i % tokens.size());
            String name = prefix + "-" + i + ".bin";
            sent.add(() -> {
                String fileId = session.lifecycle(token, name, "application/octet-stream", upload.body());
                long t0 = System.nanoTime();
                session.awaitAvailable(token, fileId, 10);
                (upload.repeat() ? repeatLags : newLags).add(System.nanoTime() - t0);
                return fileId;
            });
        }
        return DepotSession.all(tokens.size(), sent);
    }

    /** Waits until the object-deletion worker has handled every event so far: the repeats' copies are gone. */
    private void awaitDeletionsDone(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            service.requireRunning();
            if (depot.get("/v1/admin/projections/object-deletion", admin).expect(200).json().get("caught_up")
                    .asBoolean()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the object-deletion worker did not catch up within " + timeout);
    }

    private Outcome outcome(List<Upload> workload, List<String> fileIds, S3Client s3Client, long index)
            throws Exception {
        Set<String> files = new HashSet<>(fileIds);
        long stored = 0;
        int objects = 0;
        for (S3Object object : s3Client.listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix("objects/")).contents()) {
            // objects/<file>/<upload>: a repeat uses the object of the file that stored the content first.
            String[] key = object.key().split("/");
            if (key.length >= 3 && files.contains(key[1])) {
                stored += object.size();
                objects++;
            }
        }
        long uploaded = workload.stream().mapToLong(u -> u.body().length).sum();
        Map<Integer, Long> distinct = new java.util.HashMap<>();
        workload.forEach(u -> distinct.put(u.content(), (long) u.body().length));
        long expected = distinct.values().stream().mapToLong(Long::longValue).sum();
        int repeats = (int) workload.stream().filter(Upload::repeat).count();
        Map<String, Long> events = eventStore.countsSince(index);
        long total = events.values().stream().mapToLong(Long::longValue).sum();
        return new Outcome(uploaded, expected, stored, objects, workload.size(), repeats, total,
                events.getOrDefault(REFERENCED, 0L), events.getOrDefault(LINKED, 0L));
    }

    /** "4.0 MiB", "64 KiB". */
    private static String size(long bytes) {
        return bytes >= MIB ? String.format("%.1f MiB", bytes / (double) MIB) : (bytes / 1024) + " KiB";
    }
}
