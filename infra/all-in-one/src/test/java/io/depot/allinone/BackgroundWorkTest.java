package io.depot.allinone;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import io.depot.file.FileIds;
import io.depot.file.FileVersionedEvent;
import io.depot.file.MarkVersionAvailableCommand;
import io.depot.platform.storage.ObjectStorage;
import io.depot.platform.testing.TestPostgres;
import io.micrometer.core.instrument.MeterRegistry;
import org.axonframework.commandhandling.CommandBus;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.TrackingToken;
import org.bson.Document;
import org.bson.types.Binary;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Background work loses nothing: a handler that fails is retried and its event is never marked handled before it
 * succeeds; a command a saga sends that fails is tried again; an upload whose storage cannot be released while storage
 * is down is released once it is back; one poisoned file is dead-lettered while other files flow on, and an operator
 * sees it, retries it once the cause is fixed or evicts it; a group with side effects refuses a replay. Real servers
 * throughout (PostgreSQL, mongo-java-server, S3Proxy); a {@link FaultProxy} takes storage down.
 */
class BackgroundWorkTest {

    private static final String FLAKY = "test-flaky";
    private static final String POISON = "test-poison";

    private static TestStores stores;
    private static FaultProxy storageForDepot;
    private static ConfigurableApplicationContext app;
    private static Api api;
    private static final FlakyHandler flaky = new FlakyHandler();
    private static final PoisonHandler poison = new PoisonHandler();

    @BeforeAll
    static void start() throws Exception {
        stores = TestStores.start("background");
        storageForDepot = new FaultProxy(stores.s3().endpoint().getPort(), 11);
        app = new SpringApplicationBuilder(DepotApplication.class)
                .initializers(context -> {
                    ((GenericApplicationContext) context).registerBean(FlakyHandler.class, () -> flaky);
                    ((GenericApplicationContext) context).registerBean(PoisonHandler.class, () -> poison);
                })
                .run("--server.port=0",
                        "--server.shutdown=immediate",
                        "--depot.embedded.data-dir=" + stores.dataDir(),
                        "--spring.datasource.url=" + stores.jdbcUrl(),
                        "--spring.datasource.username=" + TestPostgres.user(),
                        "--spring.datasource.password=" + TestPostgres.password(),
                        "--spring.data.mongodb.uri=mongodb://127.0.0.1:" + stores.mongo().getLocalAddress().getPort() + "/depot",
                        "--depot.storage.endpoint=http://127.0.0.1:" + storageForDepot.port(),
                        "--depot.storage.public-endpoint=" + stores.s3().endpoint(),
                        "--depot.storage.access-key=" + TestStores.ACCESS_KEY,
                        "--depot.storage.secret-key=" + TestStores.SECRET_KEY,
                        "--depot.upload.session-ttl=8s",
                        "--db-scheduler.polling-interval=500ms",
                        "--depot.processing.dead-lettered=version-verification,object-deletion,upload-storage-release,"
                                + "reconcile-repairs,reconcile-launcher," + POISON,
                        "--depot.processing.retry-backoff=2s");
        api = new Api(((WebServerApplicationContext) app).getWebServer().getPort());
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
        if (storageForDepot != null) {
            storageForDepot.close();
        }
        if (stores != null) {
            stores.close();
        }
    }

    @Test
    void aFailingHandlersEventIsNotMarkedHandledUntilItSucceeds() {
        String token = api.token("gina");
        String filename = "flaky-" + System.nanoTime() + ".txt";
        flaky.failuresLeft.set(2);
        flaky.target.set(filename);
        String fileId = uploadSmall(token, filename);

        await().atMost(Duration.ofSeconds(60)).until(() -> flaky.handled.contains(fileId));
        assertThat(flaky.failedAt).as("the handler failed on the event twice before it succeeded").hasSize(2);
        long failedIndex = flaky.failedAt.get(0);
        assertThat(flaky.tokensSeenWhileFailing).as("while the handler failed, the stored token stayed before its event")
                .isNotEmpty().allMatch(position -> position < failedIndex);
        await().atMost(Duration.ofSeconds(30)).until(() -> storedPosition(FLAKY) >= failedIndex);
    }

    @Test
    void aCommandASagaSendsThatFailsIsTriedAgainUntilItLands() {
        String token = api.token("hugo");
        String filename = "mark-" + System.nanoTime() + ".txt";
        String target = FileIds.of("hugo", filename);
        AtomicInteger attempts = new AtomicInteger();
        // More failures than the command gateway retries: only the saga's own retry gets the command through.
        AtomicInteger failuresLeft = new AtomicInteger(6);
        var registration = app.getBean(CommandBus.class).registerHandlerInterceptor((unitOfWork, chain) -> {
            if (unitOfWork.getMessage().getPayload() instanceof MarkVersionAvailableCommand command
                    && command.fileId().equals(target)) {
                attempts.incrementAndGet();
                if (failuresLeft.getAndDecrement() > 0) {
                    throw new IllegalStateException("injected: the event store did not answer");
                }
            }
            return chain.proceed();
        });
        try {
            String fileId = uploadSmall(token, filename);
            await().atMost(Duration.ofSeconds(60)).until(() -> "available".equals(
                    api.get("/v1/files/" + fileId, token).json().get("upload_status").asText()));
            assertThat(attempts.get()).as("six failed attempts, then one that landed").isEqualTo(7);
            assertThat(eventTypes(fileId)).filteredOn("FileVersionAvailableEvent"::equals).hasSize(1);
        } finally {
            registration.cancel();
        }
    }

    @Test
    void anUploadThatExpiresWhileStorageIsDownIsReleasedOnceStorageIsBack() {
        String token = api.token("ines");
        byte[] data = EndToEndTest.randomBytes(6 * EndToEndTest.MIB, 121);
        JsonNode upload = api.post("/v1/uploads/initiate", token, Map.of("filename", "expiring.bin",
                "content_type", "application/octet-stream", "size", data.length, "part_size", 5 * EndToEndTest.MIB)).json();
        String uploadId = upload.get("upload_id").asText();
        assertThat(api.putUrl(upload.get("presigned_urls").get(0).asText(),
                EndToEndTest.slice(data, 5L * EndToEndTest.MIB, 1), Map.of()).status()).isEqualTo(200);
        assertThat(multipartUploads()).anyMatch(key -> key.contains(uploadId));

        storageForDepot.down();
        try {
            await().atMost(Duration.ofSeconds(40)).until(() ->
                    "aborted".equals(api.get("/v1/uploads/" + uploadId, token).json().get("status").asText()));
            // Storage cannot release it: the release is dead-lettered, visible to operators, and retried.
            await().atMost(Duration.ofSeconds(30)).until(() -> deadLetters("upload-storage-release").stream()
                    .anyMatch(letter -> letter.get("sequence").asText().equals(uploadId)));
            JsonNode letter = deadLetters("upload-storage-release").stream()
                    .filter(l -> l.get("sequence").asText().equals(uploadId)).findFirst().orElseThrow();
            assertThat(letter.get("event").get("type").asText()).isEqualTo("UploadAbortedEvent");
            assertThat(letter.get("cause").get("message").asText()).isNotBlank();
        } finally {
            storageForDepot.up();
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> multipartUploads().stream().noneMatch(k -> k.contains(uploadId)));
        await().atMost(Duration.ofSeconds(30)).until(() -> deadLetters("upload-storage-release").stream()
                .noneMatch(l -> l.get("sequence").asText().equals(uploadId)));
    }

    @Test
    void aPoisonedFileIsDeadLetteredWhileOtherFilesFlowAndAnOperatorRetriesIt() {
        String token = api.token("jules");
        String admin = api.token("ops", "admin");
        String poisonedName = "poisoned-" + System.nanoTime() + ".txt";
        poison.poisonedNames.add(poisonedName);
        String poisoned = uploadSmall(token, poisonedName);
        String healthy = uploadSmall(token, "healthy-" + System.nanoTime() + ".txt");

        await().atMost(Duration.ofSeconds(30)).until(() -> poison.handled.contains(healthy + "@1"));
        await().atMost(Duration.ofSeconds(30)).until(() -> deadLetters(POISON).stream()
                .anyMatch(l -> l.get("sequence").asText().equals(poisoned)));
        // The poisoned file's next version waits behind its first, in order; other files still flow.
        String second = uploadSmall(token, poisonedName);
        assertThat(second).isEqualTo(poisoned);
        String later = uploadSmall(token, "later-" + System.nanoTime() + ".txt");
        await().atMost(Duration.ofSeconds(30)).until(() -> poison.handled.contains(later + "@1"));
        await().atMost(Duration.ofSeconds(30)).until(() -> lettersOf(poisoned).size() == 2);
        assertThat(poison.handled).noneMatch(h -> h.startsWith(poisoned));
        await().atMost(Duration.ofSeconds(30)).until(() -> app.getBean(MeterRegistry.class).get("depot.dead.letters")
                .tag("group", POISON).gauge().value() >= 2);

        Api.Response list = api.get("/v1/admin/dead-letters?group=" + POISON, admin);
        assertThat(list.status()).isEqualTo(200);
        JsonNode first = lettersOf(poisoned).get(0);
        assertThat(first.get("group").asText()).isEqualTo(POISON);
        assertThat(first.get("event").get("type").asText()).isEqualTo("FileVersionedEvent");
        assertThat(first.get("event").get("payload").get("version").asLong()).isEqualTo(1);
        assertThat(first.get("cause").get("message").asText()).contains("poisoned on purpose");
        assertThat(api.get("/v1/admin/dead-letters?group=" + POISON, token).status()).as("operators only").isEqualTo(403);

        // Retried on its own with a growing pause while the cause persists.
        await().atMost(Duration.ofSeconds(30)).until(() -> lettersOf(poisoned).get(0).get("retries").asInt() >= 2);
        // The cause is fixed; the operator retries the sequence: both versions are handled, in order.
        poison.poisonedNames.remove(poisonedName);
        Api.Response retried = api.post("/v1/admin/dead-letters/" + POISON + "/" + poisoned + "/retry", admin, null);
        assertThat(retried.status()).as(retried.body()).isEqualTo(200);
        assertThat(poison.handled).containsSubsequence(poisoned + "@1", poisoned + "@2");
        assertThat(lettersOf(poisoned)).isEmpty();
        assertThat(api.post("/v1/admin/dead-letters/" + POISON + "/" + poisoned + "/retry", admin, null).status())
                .isEqualTo(404);

        // A letter an operator gives up on is evicted, and never handled.
        String evictedName = "evicted-" + System.nanoTime() + ".txt";
        poison.poisonedNames.add(evictedName);
        String evicted = uploadSmall(token, evictedName);
        await().atMost(Duration.ofSeconds(30)).until(() -> lettersOf(evicted).size() == 1);
        assertThat(api.delete("/v1/admin/dead-letters/" + POISON + "/" + evicted, admin).status()).isEqualTo(204);
        assertThat(lettersOf(evicted)).isEmpty();
        assertThat(poison.handled).noneMatch(h -> h.startsWith(evicted));
        assertThat(api.get("/v1/admin/dead-letters?group=no-such-group", admin).status()).isEqualTo(404);
    }

    @Test
    void groupsWithSideEffectsRefuseAReplayAndProjectionsReplay() {
        String admin = api.token("ops", "admin");
        for (String group : List.of("version-verification", "object-deletion", "upload-storage-release",
                "upload-cleanup", "file-finalize")) {
            Api.Response refused = api.post("/v1/admin/projections/" + group + "/replay", admin, null);
            assertThat(refused.status()).as(group + ": " + refused.body()).isEqualTo(409);
            assertThat(refused.isProblem()).isTrue();
            assertThat(refused.json().get("code").asText()).isEqualTo("replay-refused");
        }
        assertThat(api.post("/v1/admin/projections/download-history/replay", admin, null).status()).isEqualTo(202);
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    private static String uploadSmall(String token, String filename) {
        byte[] data = (filename + " " + System.nanoTime()).getBytes(StandardCharsets.UTF_8);
        JsonNode upload = api.post("/v1/uploads/initiate", token, Map.of("filename", filename,
                "content_type", "text/plain", "size", data.length)).json();
        assertThat(api.putUrl(upload.get("presigned_url").asText(), data, Map.of("Content-Type", "text/plain")).status())
                .isEqualTo(200);
        Api.Response done = api.post("/v1/uploads/" + upload.get("upload_id").asText() + "/complete", token, null);
        assertThat(done.status()).as(done.body()).isEqualTo(200);
        return done.json().get("file_id").asText();
    }

    private static List<JsonNode> deadLetters(String group) {
        Api.Response list = api.get("/v1/admin/dead-letters?group=" + group, api.token("ops", "admin"));
        assertThat(list.status()).as(list.body()).isEqualTo(200);
        return java.util.stream.StreamSupport.stream(list.json().get("dead_letters").spliterator(), false).toList();
    }

    private static List<JsonNode> lettersOf(String sequence) {
        return deadLetters(POISON).stream().filter(l -> l.get("sequence").asText().equals(sequence)).toList();
    }

    private static List<String> eventTypes(String aggregateId) {
        return app.getBean(JdbcTemplate.class).queryForList("SELECT payloadType FROM DomainEventEntry WHERE "
                        + "aggregateIdentifier = ? ORDER BY sequenceNumber", String.class, aggregateId).stream()
                .map(t -> t.substring(t.lastIndexOf('.') + 1)).toList();
    }

    private static List<String> multipartUploads() {
        return app.getBean(ObjectStorage.class).listMultipartUploads().collectList().block(Duration.ofSeconds(30));
    }

    /** The position of a processor's stored token, read straight from MongoDB: -1 when none is stored. */
    static long storedPosition(String processor) {
        Document token = app.getBean(MongoDatabase.class).getCollection("trackingtokens")
                .find(Filters.eq("processorName", processor)).first();
        if (token == null || token.get("token") == null) {
            return -1;
        }
        Object raw = token.get("token");
        String json = raw instanceof Binary binary ? new String(binary.getData(), StandardCharsets.UTF_8) : raw.toString();
        Matcher m = Pattern.compile("\"(?:globalIndex|index)\"\\s*:\\s*(\\d+)").matcher(json);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /** A handler in a processing group without a dead-letter queue that fails on one file's event a few times. */
    @ProcessingGroup(FLAKY)
    static class FlakyHandler {
        final java.util.concurrent.atomic.AtomicReference<String> target = new java.util.concurrent.atomic.AtomicReference<>();
        final AtomicInteger failuresLeft = new AtomicInteger();
        final List<Long> failedAt = new CopyOnWriteArrayList<>();
        final List<Long> tokensSeenWhileFailing = new CopyOnWriteArrayList<>();
        final Set<String> handled = ConcurrentHashMap.newKeySet();

        @EventHandler
        void on(FileVersionedEvent event, TrackingToken token) {
            if (event.filename().equals(target.get()) && failuresLeft.get() > 0) {
                if (!failedAt.isEmpty()) {
                    tokensSeenWhileFailing.add(storedPosition(FLAKY));
                }
                failuresLeft.decrementAndGet();
                failedAt.add(token.position().orElseThrow());
                throw new IllegalStateException("failing on purpose, with MongoDB up");
            }
            if (event.filename().equals(target.get()) && !failedAt.isEmpty()) {
                tokensSeenWhileFailing.add(storedPosition(FLAKY));
            }
            handled.add(event.fileId());
        }
    }

    /** A handler in a dead-lettered group that fails, for as long as it is told to, on files of some names. */
    @ProcessingGroup(POISON)
    static class PoisonHandler {
        final Set<String> poisonedNames = ConcurrentHashMap.newKeySet();
        final List<String> handled = new CopyOnWriteArrayList<>();
        final AtomicLong calls = new AtomicLong();

        @EventHandler
        void on(FileVersionedEvent event) {
            calls.incrementAndGet();
            if (poisonedNames.contains(event.filename())) {
                throw new IllegalStateException("poisoned on purpose: " + event.filename());
            }
            handled.add(event.fileId() + "@" + event.version());
        }
    }
}
