package io.depot.allinone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.depot.file.FileVersionAvailableEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Video versions get a poster frame and an H.264/AAC web copy made by ffmpeg once available (the tests' transcode
 * height is 240): each decoded or probed; the transcode shown in progress before it is made; an event delivered again
 * making nothing twice; a truncated MP4 a recorded failure of each rendition while the file stays available and
 * downloadable; deleting the file removing them.
 */
class VideoRenditionsTest extends EndToEndTest {

    private static final Path WORK = tempDir();

    @Autowired
    ApplicationContext context;

    @AfterAll
    static void clean() throws IOException {
        org.springframework.util.FileSystemUtils.deleteRecursively(WORK);
    }

    @Test
    void aVideoGetsAPosterAndAWebCopy() throws Exception {
        String token = api.token("vera");
        String fileId = uploadTyped(token, uniqueName("clip") + ".mp4", "video/mp4", video("clip.mp4"));

        List<JsonNode> items = awaitStatuses(token, fileId, "poster.jpg", "240p.mp4");
        JsonNode poster = items.get(0);
        assertThat(poster.get("status").asText()).isEqualTo("available");
        assertThat(poster.get("content_type").asText()).isEqualTo("image/jpeg");
        BufferedImage frame = downloadRendition(token, fileId, "poster.jpg");
        assertThat(frame.getWidth() + "x" + frame.getHeight()).isEqualTo("854x480")
                .isEqualTo(poster.get("width").asInt() + "x" + poster.get("height").asInt());

        JsonNode copy = items.get(1);
        assertThat(copy.get("status").asText()).isEqualTo("available");
        assertThat(copy.get("content_type").asText()).isEqualTo("video/mp4");
        assertThat(copy.get("width").asInt() + "x" + copy.get("height").asInt()).isEqualTo("426x240");
        byte[] made = renditionBytes(token, fileId, "240p.mp4");
        assertThat(made).hasSize(copy.get("size").asInt());
        JsonNode streams = probe(Files.write(WORK.resolve(fileId + ".mp4"), made)).get("streams");
        assertThat(streams).extracting(s -> s.get("codec_type").asText() + ":" + s.get("codec_name").asText())
                .containsExactlyInAnyOrder("video:h264", "audio:aac");
        JsonNode video = streams.findParents("codec_type").stream()
                .filter(s -> s.get("codec_type").asText().equals("video")).findFirst().orElseThrow();
        assertThat(video.get("height").asInt()).isEqualTo(240);
        assertThat(video.get("pix_fmt").asText()).isEqualTo("yuv420p");

        List<String> events = eventTypes(fileId);
        assertThat(events).containsSubsequence("FileVersionAvailableEvent", "FileRenditionStartedEvent",
                "FileRenditionCreatedEvent");
        assertThat(events.stream().filter("FileRenditionCreatedEvent"::equals)).hasSize(2);

        // Delivered again: nothing made, stored or recorded twice.
        awaitProjectionsCaughtUp();
        var objects = renditionObjects(fileId);
        assertThat(objects.keySet()).containsExactlyInAnyOrder("renditions/" + fileId + "/1/poster.jpg",
                "renditions/" + fileId + "/1/240p.mp4");
        deliverAgain(fileId);
        awaitProjectionsCaughtUp();
        assertThat(eventTypes(fileId)).isEqualTo(events);
        assertThat(renditionObjects(fileId)).isEqualTo(objects);

        assertThat(api.delete("/v1/files/" + fileId, token).status()).isEqualTo(204);
        await().atMost(Duration.ofSeconds(30)).until(() -> renditionObjects(fileId).isEmpty());
    }

    @Test
    void aTruncatedVideoGetsARecordedFailureAndStaysAvailableAndDownloadable() throws Exception {
        String token = api.token("vera");
        byte[] whole = video("whole.mp4");
        byte[] truncated = Arrays.copyOf(whole, whole.length / 3);
        String fileId = uploadTyped(token, uniqueName("broken") + ".mp4", "video/mp4", truncated);

        await().atMost(Duration.ofSeconds(30)).until(() ->
                api.get("/v1/files/" + fileId + "/renditions", token).json().get("failures").size() == 2);
        JsonNode failures = api.get("/v1/files/" + fileId + "/renditions", token).json().get("failures");
        assertThat(failures).extracting(f -> f.get("name").asText())
                .containsExactlyInAnyOrder("poster.jpg", "240p.mp4");
        assertThat(failures).allSatisfy(f -> assertThat(f.get("reason").asText())
                .contains("ffprobe cannot read it", "moov atom not found"));
        JsonNode poster = api.get("/v1/files/" + fileId + "/renditions/poster.jpg", token).json();
        assertThat(poster.get("status").asText()).isEqualTo("failed");

        JsonNode file = api.get("/v1/files/" + fileId, token).json();
        assertThat(file.get("upload_status").asText()).isEqualTo("available");
        assertThat(download(token, fileId)).isEqualTo(truncated);
        assertThat(renditionObjects(fileId)).isEmpty();
        assertThat(eventTypes(fileId)).contains("FileRenditionFailedEvent")
                .doesNotContain("FileRenditionCreatedEvent", "FileVersionFailedEvent");
    }

    // ---- helpers ----------------------------------------------------------------------------------------

    /** Each rendition of the file's newest version, in the order asked for, once all are made or failed. */
    private List<JsonNode> awaitStatuses(String token, String fileId, String... names) {
        List<JsonNode> found = new ArrayList<>();
        await().atMost(Duration.ofSeconds(40)).until(() -> {
            found.clear();
            for (String name : names) {
                Api.Response r = api.get("/v1/files/" + fileId + "/renditions/" + name, token);
                if (r.status() != 200 || List.of("pending", "processing").contains(r.json().get("status").asText())) {
                    return false;
                }
                found.add(r.json());
            }
            return true;
        });
        return found;
    }

    private void deliverAgain(String fileId) throws Exception {
        Object worker = context.getBean("videoRenditions");
        Method handler = worker.getClass().getDeclaredMethod("on", FileVersionAvailableEvent.class);
        handler.setAccessible(true);
        handler.invoke(worker, new FileVersionAvailableEvent(fileId, 1, "unused", false, Instant.now()));
    }

    /**
     * A 2-second 1280x720 MP4 of ffmpeg's test pattern with a 440 Hz tone (MPEG-4 part 2 and AAC, the index at the
     * end, as ffmpeg writes an MP4 by default).
     */
    private static byte[] video(String name) throws Exception {
        Path video = WORK.resolve(name);
        run("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=1280x720:rate=25", "-f", "lavfi", "-i",
                "sine=frequency=440", "-t", "2", "-c:v", "mpeg4", "-q:v", "5", "-c:a", "aac", "-shortest",
                video.toString());
        return Files.readAllBytes(video);
    }

    private static JsonNode probe(Path video) throws Exception {
        return new ObjectMapper().readTree(run("ffprobe", "-v", "error", "-print_format", "json", "-show_streams",
                video.toString()));
    }

    private static byte[] run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        byte[] out = process.getInputStream().readAllBytes();
        assertThat(process.waitFor()).as(String.join(" ", command)).isZero();
        return out;
    }
}
