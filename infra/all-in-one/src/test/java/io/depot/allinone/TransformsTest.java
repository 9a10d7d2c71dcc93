package io.depot.allinone;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Transforms of a real JPEG upload: asked twice, made once, each fit decoded at its size; bad requests refused with a
 * problem and nothing recorded; a decompression bomb's transform a recorded failure under its name, the file still
 * downloadable; only the owner may ask; a transform goes with its version, and one stored for a version deleted
 * before it was recorded goes when its event comes again.
 */
class TransformsTest extends EndToEndTest {

    @org.springframework.beans.factory.annotation.Autowired
    org.springframework.context.ApplicationContext context;

    @Test
    void aTransformAskedTwiceIsMadeOnceAndEachFitHasItsSize() throws IOException {
        String token = api.token("tara");
        String fileId = uploadTyped(token, uniqueName("photo") + ".jpg", "image/jpeg",
                RenditionsTest.image(1600, 1200, "jpg"));

        Api.Response first = transform(token, fileId, body(400, 400, "cover", "jpeg"));
        assertThat(first.status()).as(first.body()).isEqualTo(202);
        assertThat(first.json().get("name").asText()).isEqualTo("w400-h400-cover.jpg");
        assertThat(first.json().get("version").asLong()).isEqualTo(1);
        String location = first.headers().get("location").get(0);
        assertThat(location).isEqualTo("/v1/files/" + fileId + "/renditions/w400-h400-cover.jpg?version=1")
                .isEqualTo(first.json().get("location").asText());
        Api.Response again = transform(token, fileId, body(400, 400, "cover", "jpeg"));
        assertThat(again.status()).isEqualTo(202);
        assertThat(again.headers().get("location")).containsExactly(location);
        assertThat(again.json().get("name").asText()).isEqualTo("w400-h400-cover.jpg");

        Map<String, Object> contain = body(400, 400, null, "png");
        contain.remove("fit");
        assertThat(transform(token, fileId, contain).json().get("name").asText()).isEqualTo("w400-h400-contain.png");
        assertThat(transform(token, fileId, body(300, 500, "fill", "jpeg")).json().get("name").asText())
                .isEqualTo("w300-h500-fill.jpg");
        Map<String, Object> heightOnly = new HashMap<>(Map.of("height", 150, "version", 1));
        assertThat(transform(token, fileId, heightOnly).json().get("name").asText()).isEqualTo("h150-contain.jpg");

        JsonNode cover = awaitStatus(token, location, "available");
        assertThat(cover.get("width").asInt()).isEqualTo(400);
        assertThat(cover.get("height").asInt()).isEqualTo(400);
        assertThat(cover.get("content_type").asText()).isEqualTo("image/jpeg");
        assertSize(downloadRendition(token, fileId, "w400-h400-cover.jpg"), 400, 400);
        awaitStatus(token, "/v1/files/" + fileId + "/renditions/w400-h400-contain.png", "available");
        assertSize(downloadRendition(token, fileId, "w400-h400-contain.png"), 400, 300);
        awaitStatus(token, "/v1/files/" + fileId + "/renditions/w300-h500-fill.jpg", "available");
        assertSize(downloadRendition(token, fileId, "w300-h500-fill.jpg"), 300, 500);
        awaitStatus(token, "/v1/files/" + fileId + "/renditions/h150-contain.jpg", "available");
        assertSize(downloadRendition(token, fileId, "h150-contain.jpg"), 200, 150);

        // Asked again once made: the same answer, available now, and nothing recorded or stored again.
        awaitProjectionsCaughtUp();
        List<String> events = eventTypes(fileId);
        var objects = renditionObjects(fileId);
        Api.Response late = transform(token, fileId, body(400, 400, "cover", "jpeg"));
        assertThat(late.status()).isEqualTo(202);
        assertThat(late.json().get("status").asText()).isEqualTo("available");
        awaitProjectionsCaughtUp();
        assertThat(eventTypes(fileId)).isEqualTo(events);
        assertThat(renditionObjects(fileId)).isEqualTo(objects);
        assertThat(events.stream().filter("FileRenditionRequestedEvent"::equals)).hasSize(4);
        assertThat(events.stream().filter("FileRenditionCreatedEvent"::equals)).as("4 standard, 4 transforms")
                .hasSize(8);
        assertThat(objects.keySet()).contains("renditions/" + fileId + "/1/w400-h400-cover.jpg").hasSize(8);

        JsonNode listed = api.get("/v1/files/" + fileId + "/renditions", token).json().get("items");
        assertThat(listed).extracting(r -> r.get("name").asText() + " " + r.get("status").asText())
                .contains("w400-h400-cover.jpg available", "w300-h500-fill.jpg available", "128.jpg available");
    }

    @Test
    void badTransformsAreRefusedWithAProblemAndLeaveNothingBehind() {
        String token = api.token("tara");
        String fileId = uploadTyped(token, uniqueName("refused") + ".png", "image/png",
                RenditionsTest.image(300, 200, "png"));
        await().atMost(Duration.ofSeconds(30)).until(() -> renditionObjects(fileId).size() == 4);
        Stored before = stored();

        assertRefused(token, fileId, body(0, 100, "cover", "jpeg"), 400, "validation-failed", "width");
        assertRefused(token, fileId, body(5000, 100, "cover", "jpeg"), 400, "validation-failed", "4096");
        assertRefused(token, fileId, body(100, 100, "cover", "webp"), 400, "format-not-supported", "WebP");
        assertRefused(token, fileId, body(100, 100, "squash", "png"), 400, "validation-failed", "contain, cover or fill");
        assertRefused(token, fileId, new HashMap<>(Map.of("fit", "cover")), 400, "validation-failed", "width");
        assertRefused(token, fileId, body(100, 100, "cover", "jpeg", 7), 404, "version-not-found", "no version 7");
        assertRefused(api.token("mallory"), fileId, body(100, 100, "cover", "jpeg"), 404, "file-not-found", "no file");
        assertRefused(token, "no-such-file", body(100, 100, "cover", "jpeg"), 404, "file-not-found", "no file");

        assertNothingStoredSince(before);
    }

    @Test
    void aTransformOfADecompressionBombFailsWithAReasonAndTheFileStaysDownloadable() {
        String token = api.token("tara");
        byte[] bomb = RenditionsTest.bomb(100_000, 100_000);
        String fileId = uploadTyped(token, uniqueName("bomb") + ".png", "image/png", bomb);

        Api.Response asked = transform(token, fileId, body(64, 64, "fill", "png"));
        assertThat(asked.status()).as(asked.body()).isEqualTo(202);
        JsonNode failed = awaitStatus(token, asked.headers().get("location").get(0), "failed");
        assertThat(failed.get("reason").asText()).contains("100000 x 100000");
        assertThat(failed.hasNonNull("width")).isFalse();
        JsonNode failures = api.get("/v1/files/" + fileId + "/renditions", token).json().get("failures");
        assertThat(failures).extracting(f -> f.path("name").asText()).contains("w64-h64-fill.png");
        assertThat(api.get("/v1/files/" + fileId + "/renditions/w64-h64-fill.png/download", token).status())
                .isEqualTo(404);
        assertThat(download(token, fileId)).isEqualTo(bomb);
        assertThat(renditionObjects(fileId)).isEmpty();
        Api.Response again = transform(token, fileId, body(64, 64, "fill", "png"));
        assertThat(again.json().get("status").asText()).isEqualTo("failed");
    }

    @Test
    void aTransformGoesWithItsVersionAndOneStoredForAVersionSinceDeletedIsRemoved() throws Exception {
        String token = api.token("tara");
        String name = uniqueName("gone") + ".png";
        String fileId = uploadTyped(token, name, "image/png", RenditionsTest.image(300, 200, "png"));
        uploadTyped(token, name, "image/png", RenditionsTest.image(300, 200, "png"));
        Api.Response asked = transform(token, fileId, body(60, 60, "cover", "png", 1));
        awaitStatus(token, asked.headers().get("location").get(0), "available");
        String key = "renditions/" + fileId + "/1/w60-h60-cover.png";
        assertThat(renditionObjects(fileId)).containsKey(key);

        assertThat(api.delete("/v1/files/" + fileId + "/versions/1", token).status()).isEqualTo(204);
        await().atMost(Duration.ofSeconds(30)).until(() -> !renditionObjects(fileId).containsKey(key));
        assertThat(api.get("/v1/files/" + fileId + "/renditions/w60-h60-cover.png", token).status()).isEqualTo(404);

        // What a delivery killed between storing and recording leaves behind goes when the event comes again.
        storage.put(key, new byte[]{1, 2, 3}, "image/png").block(Duration.ofSeconds(10));
        awaitProjectionsCaughtUp();
        List<String> events = eventTypes(fileId);
        Object worker = context.getBean("imageRenditions");
        java.lang.reflect.Method handler = worker.getClass().getDeclaredMethod("on",
                io.depot.file.FileRenditionRequestedEvent.class);
        handler.setAccessible(true);
        io.depot.file.Transform cover = io.depot.file.Transform.of(60, 60, "cover", "png");
        handler.invoke(worker, new io.depot.file.FileRenditionRequestedEvent(fileId, 1, cover.name(), 60, 60,
                cover.fit(), cover.format(), "tara", java.time.Instant.now()));
        assertThat(renditionObjects(fileId)).doesNotContainKey(key);
        assertThat(eventTypes(fileId)).isEqualTo(events);
    }

    // ---- helpers ----------------------------------------------------------------------------------------

    private Api.Response transform(String token, String fileId, Map<String, Object> body) {
        return api.post("/v1/files/" + fileId + "/transforms", token, body);
    }

    private static Map<String, Object> body(Integer width, Integer height, String fit, String format) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("width", width);
        body.put("height", height);
        body.put("fit", fit);
        body.put("format", format);
        return body;
    }

    private static Map<String, Object> body(Integer width, Integer height, String fit, String format, long version) {
        Map<String, Object> body = body(width, height, fit, format);
        body.put("version", version);
        return body;
    }

    private void assertRefused(String token, String fileId, Map<String, Object> body, int status, String code,
                               String detail) {
        Api.Response r = transform(token, fileId, body);
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.json().get("code").asText()).isEqualTo(code);
        assertThat(r.json().get("detail").asText()).contains(detail);
    }

    private JsonNode awaitStatus(String token, String location, String status) {
        List<JsonNode> seen = new java.util.ArrayList<>(1);
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            Api.Response r = api.get(location, token);
            if (r.status() == 200 && r.json().get("status").asText().equals(status)) {
                seen.add(r.json());
                return true;
            }
            return false;
        });
        return seen.get(0);
    }

    private static void assertSize(BufferedImage image, int width, int height) {
        assertThat(image.getWidth() + "x" + image.getHeight()).isEqualTo(width + "x" + height);
    }
}
