package io.depot.allinone;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoClient;
import io.depot.platform.testing.TestPostgres;
import io.depot.worker.scan.ClamdServer;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.Filters;
import org.awaitility.core.ConditionTimeoutException;
import org.axonframework.eventhandling.Segment;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The workers as a deployable of their own: two processes of the workers' exec jar, beside a command side (the
 * all-in-one with {@code depot.workers.enabled=false}, a process of its own) and on stores they all share, run in this
 * JVM (a PostgreSQL schema, mongo-java-server on a TCP port, S3Proxy), split each worker group's segments between them
 * and verify every completed upload once. One is killed with SIGKILL; the other takes its segments over once their
 * claims time out and does the work that fell to them. Both verify and scan (a real clamd): every version is verified
 * once and scanned once, by one process or the other. Version verification starts from the one segment a command
 * service that ran the workers itself leaves in the token store, and the workers split it first.
 */
class WorkerProcessesTest {

    /**
     * A worker group the two processes share, with the event each of its handlings starts from (one per version) and
     * the event it records, once per version. Another worker's group is checked the same way by adding it here.
     */
    record Group(String name, String handles, String records) {
    }

    private static final List<Group> GROUPS = List.of(
            new Group("version-verification", "FileVersionedEvent", "FileVersionVerifiedEvent"),
            new Group("malware-scan", "FileScanRequestedEvent", "FileScannedEvent"));
    /** Every version ends here, through the finalize saga, which the workers processes run as well. */
    private static final String AVAILABLE = "FileVersionAvailableEvent";
    private static final int SEGMENTS = 4;
    /** The group whose token store starts with one segment, which the workers split. */
    private static final String SPLIT = "version-verification";
    private static final Duration CLAIM_TIMEOUT = Duration.ofSeconds(5);
    private static final Pattern HANDLED = Pattern.compile("(\\S+) segment (\\d+) handles (\\w+) of (\\S+)");

    private static TestStores stores;
    private static MongoClient mongo;
    private static DepotProcess commandSide;
    private static ClamdServer clamd;
    private static final List<WorkerProcess> workers = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        stores = TestStores.startShared("workers");
        mongo = MongoClients.create(stores.mongoUri());
        // Version verification's tokens as a command service that ran the workers itself left them: one segment.
        mongo.getDatabase("depot").getCollection("trackingtokens").insertOne(new Document("processorName", SPLIT)
                .append("segment", 0).append("owner", null).append("timestamp", System.currentTimeMillis())
                .append("token", null).append("tokenType", null));
        var jar = WorkerProcess.execJar();
        clamd = new ClamdServer().start();
        Map<String, String> environment = Map.ofEntries(
                Map.entry("DEPOT_SCAN_ENABLED", "true"),
                Map.entry("DEPOT_SCAN_CLAMD_ADDRESS", clamd.address().toString()),
                Map.entry("DEPOT_JDBC_URL", stores.jdbcUrl()),
                Map.entry("DEPOT_JDBC_USER", TestPostgres.user()),
                Map.entry("DEPOT_JDBC_PASSWORD", TestPostgres.password()),
                Map.entry("DEPOT_MONGO_URI", stores.mongoUri()),
                Map.entry("DEPOT_S3_ENDPOINT", stores.s3().endpoint().toString()),
                Map.entry("DEPOT_S3_ACCESS_KEY", TestStores.ACCESS_KEY),
                Map.entry("DEPOT_S3_SECRET_KEY", TestStores.SECRET_KEY),
                Map.entry("DEPOT_S3_SSE", ""),
                Map.entry("DEPOT_CLAIM_TIMEOUT", CLAIM_TIMEOUT.toMillis() + "ms"));
        List<String> arguments = List.of(
                "--depot.processing.worker-segments=" + SEGMENTS,
                "--depot.processing.claim-interval=300ms",
                "--depot.processing.balance-interval=300ms",
                "--depot.reconcile.schedule=off",
                "--logging.level.io.depot.platform.axon.HandledEventsLog=DEBUG");
        // Everything starts at once, as a deployment's services may on a new database and bucket.
        for (int i = 0; i < 2; i++) {
            workers.add(WorkerProcess.start(jar, stores.dataDir(), environment, arguments));
        }
        List<String> commandArguments = new ArrayList<>(List.of("--depot.workers.enabled=false",
                "--depot.scan.enabled=true",
                "--depot.embedded.data-dir=" + stores.dataDir(),
                "--spring.datasource.url=" + stores.jdbcUrl(),
                "--spring.datasource.username=" + TestPostgres.user(),
                "--spring.datasource.password=" + TestPostgres.password(),
                "--spring.data.mongodb.uri=" + stores.mongoUri(),
                "--depot.storage.endpoint=" + stores.s3().endpoint(),
                "--depot.storage.access-key=" + TestStores.ACCESS_KEY,
                "--depot.storage.secret-key=" + TestStores.SECRET_KEY,
                "--depot.reconcile.schedule=off"));
        EndToEndTest.unlimited((name, value) -> commandArguments.add("--" + name + "=" + value.get()));
        commandSide = DepotProcess.start(stores.dataDir(), WorkerProcess.JAVA_OPTIONS, commandArguments);
        workers.forEach(WorkerProcess::awaitReady);
    }

    @AfterAll
    static void stop() throws Exception {
        for (WorkerProcess worker : workers) {
            worker.close();
        }
        if (commandSide != null) {
            commandSide.close();
        }
        if (mongo != null) {
            mongo.close();
        }
        if (stores != null) {
            stores.close();
        }
        if (clamd != null) {
            clamd.close();
        }
    }

    @Test
    void twoWorkerProcessesShareTheWorkAndTheSurvivorOfAKillFinishesIt() throws Exception {
        for (WorkerProcess worker : workers) {
            assertThat(worker.api().get("/health/liveness", null).status()).isEqualTo(200);
            assertThat(worker.api().get("/v1/files", null).status()).as("the workers serve no API").isEqualTo(404);
            assertThat(worker.api().get("/v1/admin/projections", null).status()).isEqualTo(404);
        }
        for (Group group : GROUPS) {
            try {
                // Splitting the one segment takes three rounds of the balancer, then half is given up and claimed.
                await("both processes hold half of " + group.name() + "'s segments").atMost(Duration.ofSeconds(60))
                        .untilAsserted(() -> assertThat(owners(group.name()).values())
                                .as("owners of %s's segments", group.name())
                                .hasSize(SEGMENTS)
                                .satisfies(owners -> workers.forEach(worker -> assertThat(owners)
                                        .filteredOn(worker::owns).hasSize(SEGMENTS / 2))));
            } catch (ConditionTimeoutException e) {
                throw new AssertionError(e.getMessage() + "\n" + balancing(group.name()), e);
            }
        }
        assertThat(workers).anySatisfy(worker -> assertThat(worker.logLines())
                .anyMatch(line -> line.contains(SPLIT + " has 1 segments of " + SEGMENTS + ": splitting segment 0")));
        Api api = commandSide.api();
        String token = api.token("wanda");

        // Work for both: files until at least two land in each process's segments of every group.
        Map<WorkerProcess, Map<String, Set<Integer>>> held = new HashMap<>();
        for (WorkerProcess worker : workers) {
            held.put(worker, segmentsHeldBy(worker));
        }
        Map<WorkerProcess, Map<String, Set<String>>> theirs = new HashMap<>();
        Map<String, Long> first = uploadUntil(api, token, "first-", fileId -> {
            held.forEach((worker, segments) -> sortInto(theirs.computeIfAbsent(worker, w -> new HashMap<>()),
                    segments, fileId));
            return theirs.values().stream().allMatch(WorkerProcessesTest::twoInEveryGroup);
        });
        awaitAvailable(first.keySet());
        assertEachVersionOnce(first.keySet());
        for (Group group : GROUPS) {
            for (WorkerProcess worker : workers) {
                assertThat(handled(worker, group)).as("files %s handled in %s", worker, group.name())
                        .containsAll(theirs.get(worker).get(group.name()));
            }
        }

        WorkerProcess killed = workers.get(0);
        WorkerProcess survivor = workers.get(1);
        Map<String, Set<Integer>> orphaned = segmentsHeldBy(killed);
        killed.kill();
        long killedAt = System.nanoTime();

        // Work for the dead process: files until at least two land in its segments of every group.
        Map<String, Set<String>> orphanedFiles = new HashMap<>();
        Map<String, Long> second = uploadUntil(api, token, "second-", fileId -> {
            sortInto(orphanedFiles, orphaned, fileId);
            return twoInEveryGroup(orphanedFiles);
        });
        awaitAvailable(second.keySet());
        Duration finished = Duration.ofNanos(System.nanoTime() - killedAt);
        Map<String, Long> all = new LinkedHashMap<>(first);
        all.putAll(second);
        assertEachVersionOnce(all.keySet());
        for (Group group : GROUPS) {
            assertThat(handled(survivor, group)).as("the dead process's files of %s", group.name())
                    .containsAll(orphanedFiles.get(group.name()));
            // A dead process's segment that had no work yet is taken over on the survivor's next claim pass.
            await().atMost(CLAIM_TIMEOUT.multipliedBy(4)).untilAsserted(() -> assertThat(owners(group.name()).values())
                    .as("owners of %s's segments after the kill", group.name())
                    .hasSize(SEGMENTS).allMatch(survivor::owns));
        }
        // The dead process renewed its claims up to a second before it died.
        assertThat(finished).as("the dead process's work waits for its claims to time out")
                .isGreaterThan(CLAIM_TIMEOUT.minusSeconds(2));
        System.out.println("the dead process's work was done " + finished.toMillis() + " ms after the kill");
    }

    /**
     * What the processes and the stores say of a group's balancing: the owners of its segments, each instance's last
     * record of what it holds, and the lines each process logged about the group's segments.
     */
    private static String balancing(String group) {
        StringBuilder report = new StringBuilder("owners: ").append(owners(group)).append('\n');
        for (Document node : mongo.getDatabase("depot").getCollection("processingNodes").find()) {
            report.append("processing record: ").append(node.toJson()).append('\n');
        }
        for (WorkerProcess worker : workers) {
            report.append(worker).append(", its log ").append(worker.log()).append(":\n");
            worker.logLines().stream()
                    .filter(line -> line.contains(group) || line.contains("SegmentBalancer")
                            || line.contains(" WARN ") || line.contains(" ERROR "))
                    .filter(line -> !line.contains(" handles "))
                    .forEach(line -> report.append("  ").append(line).append('\n'));
        }
        return report.toString();
    }

    /** The segments of every group a process holds. */
    private static Map<String, Set<Integer>> segmentsHeldBy(WorkerProcess worker) {
        Map<String, Set<Integer>> held = new HashMap<>();
        for (Group group : GROUPS) {
            held.put(group.name(), owners(group.name()).entrySet().stream().filter(e -> worker.owns(e.getValue()))
                    .map(Map.Entry::getKey).collect(Collectors.toCollection(TreeSet::new)));
        }
        return held;
    }

    /** Adds the file to {@code files}, under each group whose {@code segments} its events fall in. */
    private static void sortInto(Map<String, Set<String>> files, Map<String, Set<Integer>> segments, String fileId) {
        segments.forEach((group, ids) -> {
            if (ids.stream().anyMatch(id -> segmentOf(group, id).matches(Objects.hashCode(fileId)))) {
                files.computeIfAbsent(group, g -> new TreeSet<>()).add(fileId);
            }
        });
    }

    private static boolean twoInEveryGroup(Map<String, Set<String>> files) {
        return GROUPS.stream().allMatch(g -> files.getOrDefault(g.name(), Set.of()).size() >= 2);
    }

    /** Uploads files until {@code enough} is true of the last one's id (at most 64); returns file ids and versions. */
    private static Map<String, Long> uploadUntil(Api api, String token, String prefix,
                                                 Predicate<String> enough) {
        Map<String, Long> files = new LinkedHashMap<>();
        for (int i = 0; i < 64; i++) {
            Map<String, Long> file = upload(api, token, prefix + i + ".bin");
            files.putAll(file);
            if (enough.test(file.keySet().iterator().next())) {
                return files;
            }
        }
        throw new AssertionError("64 files and still not enough work for every segment: " + files.keySet());
    }

    /** Uploads a small file in one presigned PUT and completes it; returns its file id and version. */
    private static Map<String, Long> upload(Api api, String token, String filename) {
        byte[] data = EndToEndTest.randomBytes(4096, filename.hashCode());
        Api.Response initiated = api.post("/v1/uploads/initiate", token, Map.of("filename", filename,
                "content_type", "application/octet-stream", "size", data.length));
        assertThat(initiated.status()).as(initiated.body()).isEqualTo(201);
        JsonNode upload = initiated.json();
        Map<String, String> headers = new HashMap<>();
        upload.get("upload_headers").fields().forEachRemaining(h -> headers.put(h.getKey(), h.getValue().asText()));
        Api.Response put = api.putUrl(upload.get("presigned_url").asText(), data, headers);
        assertThat(put.status()).as(put.body()).isEqualTo(200);
        Api.Response completed = api.post("/v1/uploads/" + upload.get("upload_id").asText() + "/complete", token, null);
        assertThat(completed.status()).as(completed.body()).isEqualTo(200);
        return Map.of(completed.json().get("file_id").asText(), completed.json().get("version").asLong());
    }

    /** Segment ids of a processor and who claims each, from the token store Axon keeps in MongoDB. */
    private static Map<Integer, String> owners(String processor) {
        Map<Integer, String> owners = new TreeMap<>();
        for (Document token : mongo.getDatabase("depot").getCollection("trackingtokens")
                .find(Filters.eq("processorName", processor))) {
            owners.put(token.getInteger("segment"), token.getString("owner"));
        }
        return owners;
    }

    /** A segment of a processor, as Axon matches events to it: by the hash of their aggregate's id. */
    private static Segment segmentOf(String processor, int segmentId) {
        int[] all = owners(processor).keySet().stream().mapToInt(Integer::intValue).toArray();
        return Segment.computeSegment(segmentId, all);
    }

    /** The files whose event a process's log says it handled in a group. */
    private static Set<String> handled(WorkerProcess worker, Group group) {
        Set<String> files = new TreeSet<>();
        for (String line : worker.logLines()) {
            Matcher m = HANDLED.matcher(line);
            if (m.find() && m.group(1).equals(group.name()) && m.group(3).equals(group.handles())) {
                files.add(m.group(4));
            }
        }
        return files;
    }

    private static void awaitAvailable(Set<String> files) {
        await("every version available").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThat(count(AVAILABLE).keySet()).containsAll(versionsOf(files)));
    }

    /** Each version recorded verified (and by every other group) exactly once, and available exactly once. */
    private static void assertEachVersionOnce(Set<String> files) throws Exception {
        List<String> versions = versionsOf(files);
        List<String> once = new ArrayList<>(GROUPS.stream().map(Group::records).toList());
        once.add(AVAILABLE);
        for (String event : once) {
            Map<String, Integer> counts = count(event);
            for (String version : versions) {
                assertThat(counts.get(version)).as("%s of %s", event, version).isEqualTo(1);
            }
        }
    }

    /** Every file here has one version, the first. */
    private static List<String> versionsOf(Set<String> files) {
        return files.stream().map(f -> f + "#1").toList();
    }

    /** How many events of a type each version has in the event store, by {@code fileId#version}. */
    private static Map<String, Integer> count(String eventType) throws Exception {
        Map<String, Integer> counts = new HashMap<>();
        try (var c = DriverManager.getConnection(stores.jdbcUrl(), TestPostgres.user(), TestPostgres.password());
             var s = c.prepareStatement("SELECT aggregateIdentifier, convert_from(payload, 'UTF8')::json->>'version', "
                     + "COUNT(*) FROM DomainEventEntry WHERE payloadType = ? GROUP BY 1, 2")) {
            s.setString(1, "io.depot.file." + eventType);
            try (var r = s.executeQuery()) {
                while (r.next()) {
                    counts.put(r.getString(1) + "#" + r.getString(2), r.getInt(3));
                }
            }
        }
        return counts;
    }
}
