package io.depot.allinone;

import com.fasterxml.jackson.databind.JsonNode;
import io.depot.platform.testing.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Rate limits and quotas on running services: two instances share their buckets through the real Redis, and a
 * third, whose Redis is unreachable, still limits with buckets of its own. Every refusal is a 429 problem with
 * {@code Retry-After} and {@code RateLimit-*} headers, and leaves nothing stored.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RateLimitTest {

    /** Fresh buckets for every run: Redis outlives the test. */
    private final String prefix = "depot-test:" + UUID.randomUUID() + ":";
    private final List<ConfigurableApplicationContext> apps = new ArrayList<>();
    private ConfigurableApplicationContext a;
    private ConfigurableApplicationContext b;
    private ConfigurableApplicationContext noRedis;

    @BeforeAll
    void start() throws IOException {
        a = start(TestRedis.url(), 100);
        b = start(TestRedis.url(), 2);
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        noRedis = start("redis://127.0.0.1:" + closed, 100);
    }

    @AfterAll
    void stop() {
        apps.forEach(ConfigurableApplicationContext::close);
    }

    @Test
    void aBurstFromOneUserIsRefusedOnEveryInstanceSharingRedis() {
        Api onA = api(a);
        Api onB = api(b);
        String user = "burst-" + UUID.randomUUID();
        String tokenA = onA.token(user);
        for (int i = 1; i <= 5; i++) {
            Api.Response ok = initiate(onA, tokenA, "a" + i + ".bin", 10);
            assertThat(ok.status()).as(ok.body()).isEqualTo(201);
            assertThat(ok.headers().get("ratelimit-remaining")).containsExactly(Long.toString(5 - i));
        }
        long events = events(a);
        Api.Response refused = initiate(onA, tokenA, "a6.bin", 10);
        assertRateLimited(refused, "rate-limited");
        assertThat(events(a)).isEqualTo(events);

        // The other instance draws from the same bucket in Redis.
        long eventsOnB = events(b);
        Api.Response alsoRefused = initiate(onB, onB.token(user), "b1.bin");
        assertRateLimited(alsoRefused, "rate-limited");
        assertThat(events(b)).isEqualTo(eventsOnB);
        // Another user on it is not affected.
        assertThat(initiate(onB, onB.token("other-" + UUID.randomUUID()), "b2.bin").status()).isEqualTo(201);
    }

    @Test
    void manyUsersFromOneAddressAreLimitedByAddressAcrossInstances() {
        String prefixUser = "crowd-" + UUID.randomUUID() + "-";
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            // Download URLs: 1000 per user, 10 per address in this configuration, alternating instances.
            Api api = api(i % 2 == 0 ? a : b);
            statuses.add(api.get("/v1/files/" + UUID.randomUUID() + "/download", api.token(prefixUser + i)).status());
        }
        assertThat(statuses.subList(0, 10)).containsOnly(404);
        assertThat(statuses.subList(10, 12)).containsOnly(429);
    }

    @Test
    void withRedisDownEachInstanceStillLimitsAndStaysUp() {
        Api api = api(noRedis);
        String token = api.token("offline-" + UUID.randomUUID());
        for (int i = 1; i <= 5; i++) {
            assertThat(initiate(api, token, "o" + i + ".bin", 10).status()).isEqualTo(201);
        }
        assertRateLimited(initiate(api, token, "o6.bin", 10), "rate-limited");
        assertThat(api.get("/health", null).status()).isEqualTo(200);
    }

    @Test
    void theDailyByteQuotaAndTheOpenUploadCapRefuseWithNothingStored() {
        Api api = api(a);
        String quotaUser = "quota-" + UUID.randomUUID();
        String token = api.token(quotaUser);
        assertThat(initiate(api, token, "big.bin", 6L * 1024 * 1024).status()).isEqualTo(201);
        long events = events(a);
        int uploads = multipartUploads(a);
        Api.Response overQuota = initiate(api, token, "bigger.bin", 6L * 1024 * 1024);
        assertRateLimited(overQuota, "quota-exceeded");
        assertThat(events(a)).isEqualTo(events);
        assertThat(multipartUploads(a)).isEqualTo(uploads);

        String capped = "cap-" + UUID.randomUUID();
        Api onB = api(b);
        String capToken = onB.token(capped);
        JsonNode first = initiate(onB, capToken, "c1.bin").json();
        assertThat(initiate(onB, capToken, "c2.bin").status()).isEqualTo(201);
        awaitOpenUploads(b, capped, 2);
        long before = events(b);
        assertRateLimited(initiate(onB, capToken, "c3.bin"), "too-many-open-uploads");
        assertThat(events(b)).isEqualTo(before);
        // Ending one makes room for another.
        assertThat(onB.delete("/v1/uploads/" + first.get("upload_id").asText(), capToken).status()).isEqualTo(204);
        awaitOpenUploads(b, capped, 1);
        assertThat(initiate(onB, capToken, "c3.bin").status()).isEqualTo(201);
    }

    @Test
    void racingInitiatesCannotPassTheOpenUploadCap() throws Exception {
        Api onB = api(b);
        String racer = "race-" + UUID.randomUUID();
        String token = onB.token(racer);
        long before = events(b);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(5);
        try {
            List<java.util.concurrent.Future<Api.Response>> racing = new ArrayList<>();
            for (int i = 1; i <= 5; i++) {
                String name = "r" + i + ".bin";
                racing.add(pool.submit(() -> initiate(onB, token, name)));
            }
            List<Integer> statuses = new ArrayList<>();
            for (var response : racing) {
                statuses.add(response.get().status());
            }
            // The cap is 2: the allowance takes the claims one after another, whatever order they come in.
            assertThat(statuses).filteredOn(status -> status == 201).hasSize(2);
            assertThat(statuses).filteredOn(status -> status == 429).hasSize(3);
        } finally {
            pool.shutdownNow();
        }
        // Two sessions and their two claims; the refused initiates left no event.
        assertThat(events(b) - before).isEqualTo(4);
    }

    private static void awaitOpenUploads(ConfigurableApplicationContext app, String owner, long open) {
        var records = app.getBean(com.mongodb.client.MongoDatabase.class).getCollection("object_records");
        await().atMost(Duration.ofSeconds(10)).until(() -> records.countDocuments(new org.bson.Document("owner_id", owner)
                .append("state", "UPLOADING")) == open);
    }

    private static void assertRateLimited(Api.Response response, String code) {
        assertThat(response.status()).as(response.body()).isEqualTo(429);
        assertThat(response.isProblem()).isTrue();
        assertThat(response.json().get("code").asText()).isEqualTo(code);
        assertThat(Long.parseLong(response.headers().get("retry-after").get(0))).isPositive();
        assertThat(response.headers()).containsKeys("ratelimit-limit", "ratelimit-remaining", "ratelimit-reset");
    }

    private static Api.Response initiate(Api api, String token, String name) {
        return initiate(api, token, name, 1000);
    }

    private static Api.Response initiate(Api api, String token, String name, long size) {
        return api.post("/v1/uploads/initiate", token, Map.of("filename", name,
                "content_type", "application/octet-stream", "size", size));
    }

    private static long events(ConfigurableApplicationContext app) {
        return app.getBean(JdbcTemplate.class).queryForObject("SELECT COUNT(*) FROM DomainEventEntry", Long.class);
    }

    private static int multipartUploads(ConfigurableApplicationContext app) {
        return app.getBean(io.depot.platform.storage.ObjectStorage.class).listMultipartUploads().collectList()
                .block(Duration.ofSeconds(30)).size();
    }

    private static Api api(ConfigurableApplicationContext app) {
        return new Api(((WebServerApplicationContext) app).getWebServer().getPort());
    }

    private ConfigurableApplicationContext start(String redisUri, int maxOpenUploads) throws IOException {
        Path dataDir = Files.createTempDirectory("depot-limits-");
        ConfigurableApplicationContext app = new SpringApplicationBuilder(DepotApplication.class).run(
                "--server.port=0", "--server.shutdown=immediate", "--depot.embedded.data-dir=" + dataDir,
                "--depot.embedded.mongo-in-memory=true",
                "--depot.redis.uri=" + redisUri, "--depot.limits.redis-timeout=300ms",
                "--depot.limits.key-prefix=" + prefix, "--depot.cache.key-prefix=" + prefix + "file:",
                "--depot.limits.initiate-per-user=5/1h", "--depot.limits.initiate-per-address=1000/1h",
                "--depot.limits.download-per-user=1000/1h", "--depot.limits.download-per-address=10/1h",
                "--depot.limits.daily-bytes-per-user=10MB", "--depot.limits.max-open-uploads-per-user=" + maxOpenUploads);
        apps.add(app);
        return app;
    }
}
