package io.depot.allinone;

import com.fasterxml.jackson.databind.JsonNode;
import io.depot.file.FileVersionAvailableEvent;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Image versions get renditions once available: real JPEG and PNG uploads come back resized, aspect kept; a PNG whose
 * header declares ten billion pixels and a text file named .jpg each get a recorded rendition failure and stay
 * downloadable; an event delivered again makes nothing twice, and removes what a cut-short delivery stored for a
 * version since deleted; a restored version gets its own; deleting the version or the file
 * removes the renditions from storage; the read model rebuilds to the same listing.
 */
class RenditionsTest extends EndToEndTest {

    @Autowired
    ApplicationContext context;

    @Test
    void aJpegAndAPngGetRenditionsOfEverySizeWithTheirAspectKept() throws IOException {
        String token = api.token("rena");
        String jpeg = uploadTyped(token, uniqueName("photo") + ".jpg", "image/jpeg", image(1600, 1200, "jpg"));
        String png = uploadTyped(token, uniqueName("diagram") + ".png", "image/png", image(600, 900, "png"));

        JsonNode jpegRenditions = awaitRenditions(token, jpeg, 4);
        assertThat(jpegRenditions.get("items")).extracting(r -> r.get("name").asText())
                .containsExactlyInAnyOrder("128.jpg", "128.png", "512.jpg", "512.png");
        for (JsonNode rendition : jpegRenditions.get("items")) {
            int size = rendition.get("name").asText().startsWith("128") ? 128 : 512;
            BufferedImage decoded = downloadRendition(token, jpeg, rendition.get("name").asText());
            assertThat(decoded.getWidth()).isEqualTo(size).isEqualTo(rendition.get("width").asInt());
            assertThat(decoded.getHeight()).isEqualTo(size * 3 / 4).isEqualTo(rendition.get("height").asInt());
            assertThat(rendition.get("version").asLong()).isEqualTo(1);
        }

        awaitRenditions(token, png, 4);
        BufferedImage small = downloadRendition(token, png, "128.png");
        assertThat(small.getWidth()).isEqualTo(85);
        assertThat(small.getHeight()).isEqualTo(128);
        BufferedImage large = downloadRendition(token, png, "512.jpg");
        assertThat(large.getWidth()).isEqualTo(341);
        assertThat(large.getHeight()).isEqualTo(512);
        assertThat(downloadEvents(png)).hasSize(2);
        assertThat(stored().objects()).contains("renditions/" + png + "/1/128.png", "renditions/" + png + "/1/512.jpg");
    }

    @Test
    void aDecompressionBombIsRefusedFromItsHeaderAndStaysDownloadable() {
        String token = api.token("rena");
        byte[] bomb = bomb(100_000, 100_000);
        String fileId = uploadTyped(token, uniqueName("bomb") + ".png", "image/png", bomb);

        JsonNode failure = awaitFailure(token, fileId);
        assertThat(failure.get("reason").asText()).contains("100000 x 100000");
        assertThat(api.get("/v1/files/" + fileId + "/renditions", token).json().get("items")).isEmpty();
        assertThat(download(token, fileId)).isEqualTo(bomb);
        assertThat(eventTypes(fileId)).contains("FileVersionAvailableEvent", "FileRenditionFailedEvent")
                .doesNotContain("FileRenditionCreatedEvent");
    }

    @Test
    void bytesNamedJpgThatAreNoImageGetARecordedFailureAndStayDownloadable() {
        String token = api.token("rena");
        byte[] text = "a letter, not a photograph".getBytes(StandardCharsets.UTF_8);
        String fileId = uploadTyped(token, uniqueName("holiday") + ".jpg", "image/jpeg", text);

        assertThat(awaitFailure(token, fileId).get("reason").asText()).contains("not an image");
        assertThat(download(token, fileId)).isEqualTo(text);
        assertThat(api.get("/v1/files/" + fileId + "/renditions/128.jpg/download", token).json().get("code").asText())
                .isEqualTo("not-found");
    }

    @Test
    void anEventDeliveredAgainMakesNothingTwice() throws Exception {
        String token = api.token("rena");
        String fileId = uploadTyped(token, uniqueName("again") + ".png", "image/png", image(400, 300, "png"));
        awaitRenditions(token, fileId, 4);
        awaitProjectionsCaughtUp();
        List<String> events = eventTypes(fileId);
        Map<String, Instant> written = renditionObjects(fileId);
        assertThat(written).hasSize(4);

        Object worker = context.getBean("imageRenditions");
        Method handler = worker.getClass().getDeclaredMethod("on", FileVersionAvailableEvent.class);
        handler.setAccessible(true);
        handler.invoke(worker, new FileVersionAvailableEvent(fileId, 1, "unused", false, Instant.now()));
        handler.invoke(worker, new FileVersionAvailableEvent(fileId, 1, "unused", false, Instant.now()));

        awaitProjectionsCaughtUp();
        assertThat(eventTypes(fileId)).isEqualTo(events);
        assertThat(renditionObjects(fileId)).isEqualTo(written);
        assertThat(api.get("/v1/files/" + fileId + "/renditions", token).json().get("items")).hasSize(4);
    }

    @Test
    void aRenditionStoredButNeverRecordedGoesOnceItsVersionIsGone() throws Exception {
        String token = api.token("rena");
        String name = uniqueName("cut") + ".png";
        String fileId = uploadTyped(token, name, "image/png", image(300, 200, "png"));
        uploadTyped(token, name, "image/png", image(300, 200, "png"));
        awaitRenditions(token, fileId, 8);
        assertThat(api.delete("/v1/files/" + fileId + "/versions/1", token).status()).isEqualTo(204);
        await().atMost(Duration.ofSeconds(30)).until(() -> renditionObjects(fileId).size() == 4);
        // What a delivery killed between storing and recording leaves behind.
        storage.put("renditions/" + fileId + "/1/128.jpg", new byte[]{1, 2, 3}, "image/jpeg")
                .block(Duration.ofSeconds(10));

        Object worker = context.getBean("imageRenditions");
        Method handler = worker.getClass().getDeclaredMethod("on", FileVersionAvailableEvent.class);
        handler.setAccessible(true);
        handler.invoke(worker, new FileVersionAvailableEvent(fileId, 1, "unused", false, Instant.now()));

        assertThat(renditionObjects(fileId).keySet()).allMatch(k -> k.startsWith("renditions/" + fileId + "/2/"))
                .hasSize(4);
    }

    @Test
    void restoringAddsRenditionsAndDeletingTheVersionOrTheFileRemovesThem() throws IOException {
        String token = api.token("rena");
        String name = uniqueName("kept") + ".png";
        String fileId = uploadTyped(token, name, "image/png", image(300, 200, "png"));
        awaitRenditions(token, fileId, 4);
        uploadTyped(token, name, "image/png", image(200, 300, "png"));
        await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/v1/files/" + fileId + "/renditions", token)
                .json().get("items").size() == 8);
        assertThat(downloadRendition(token, fileId, "128.png").getHeight()).as("the newest version's").isEqualTo(128);

        assertThat(api.delete("/v1/files/" + fileId + "/versions/2", token).status()).isEqualTo(204);
        await().atMost(Duration.ofSeconds(30)).until(() -> renditionObjects(fileId).keySet().stream()
                .noneMatch(k -> k.contains("/2/")));
        assertThat(renditionObjects(fileId)).hasSize(4);
        assertThat(api.get("/v1/files/" + fileId + "/renditions", token).json().get("items"))
                .extracting(r -> r.get("version").asLong()).containsOnly(1L);
        assertThat(downloadRendition(token, fileId, "128.png").getWidth()).as("version 1's now").isEqualTo(128);

        // A restore is a version of its own, with renditions of its own.
        assertThat(api.post("/v1/files/" + fileId + "/versions/1/restore", token, null).status()).isEqualTo(201);
        await().atMost(Duration.ofSeconds(30)).until(() -> renditionObjects(fileId).keySet().stream()
                .filter(k -> k.contains("/3/")).count() == 4);
        assertThat(downloadRendition(token, fileId, "512.jpg").getWidth()).isEqualTo(300);
        assertThat(api.get("/v1/files/" + fileId + "/renditions/512.jpg/download", token).json().get("version")
                .asLong()).isEqualTo(3);

        assertThat(api.delete("/v1/files/" + fileId, token).status()).isEqualTo(204);
        await().atMost(Duration.ofSeconds(30)).until(() -> renditionObjects(fileId).isEmpty());
    }

    @Test
    void theReadModelRebuildsToTheSameRenditions() {
        String token = api.token("rena");
        String fileId = uploadTyped(token, uniqueName("rebuilt") + ".png", "image/png", image(320, 240, "png"));
        JsonNode before = awaitRenditions(token, fileId, 4);
        awaitProjectionsCaughtUp();
        String admin = api.token("ops", "admin");
        int generation = api.get("/v1/admin/projections/file-renditions", admin).json()
                .get("generation").get("live_generation").asInt();

        Api.Response started = api.post("/v1/admin/projections/file-renditions/replay", admin, null);
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(40)).until(() -> {
            JsonNode status = api.get("/v1/admin/projections/file-renditions", admin).json().get("generation");
            return status.get("live_generation").asInt() == generation + 1 && !status.hasNonNull("retiring_generation");
        });

        assertThat(api.get("/v1/files/" + fileId + "/renditions", token).json()).isEqualTo(before);
    }

    // ---- helpers ----------------------------------------------------------------------------------------

    private JsonNode awaitRenditions(String token, String fileId, int count) {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            Api.Response r = api.get("/v1/files/" + fileId + "/renditions", token);
            return r.status() == 200 && r.json().get("items").size() >= count;
        });
        return api.get("/v1/files/" + fileId + "/renditions", token).json();
    }

    private JsonNode awaitFailure(String token, String fileId) {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            Api.Response r = api.get("/v1/files/" + fileId + "/renditions", token);
            return r.status() == 200 && !r.json().get("failures").isEmpty();
        });
        return api.get("/v1/files/" + fileId + "/renditions", token).json().get("failures").get(0);
    }

    static byte[] image(int width, int height, String format) {
        BufferedImage image = new BufferedImage(width, height,
                format.equals("png") ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.GREEN);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.RED);
        g.fillOval(width / 4, height / 4, width / 2, height / 2);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            assertThat(ImageIO.write(image, format, out)).isTrue();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    /** A valid PNG of a few dozen bytes whose IHDR declares {@code width} x {@code height} pixels. */
    static byte[] bomb(int width, int height) {
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height)
                .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        chunk(out, "IHDR", ihdr.array());
        chunk(out, "IDAT", new byte[]{0x78, (byte) 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01});
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] name = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(name);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(name);
        out.writeBytes(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
