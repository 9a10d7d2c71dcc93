package io.depot.worker.rendition;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** ffprobe and ffmpeg as Depot runs them, on videos ffmpeg makes here; their limits; what their failures say. */
class FfmpegTest {

    @TempDir
    Path work;

    private static VideoProperties properties(Duration timeLimit, DataSize maxOutput, String ffprobe) {
        return new VideoProperties(true, List.of("video/mp4"), 120, 240, timeLimit, maxOutput,
                DataSize.ofGigabytes(1), 1, "ffmpeg", ffprobe);
    }

    private final Ffmpeg ffmpeg = new Ffmpeg(properties(Duration.ofMinutes(1), DataSize.ofMegabytes(50), "ffprobe"));

    /** A 2-second 320x180 MP4 with a 440 Hz tone, its index at the end, as ffmpeg writes by default. */
    private Path video() throws Exception {
        Path video = work.resolve("source.mp4");
        Process p = new ProcessBuilder("ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc=size=320x180:rate=25",
                "-f", "lavfi", "-i", "sine=frequency=440", "-t", "2", "-c:v", "mpeg4", "-c:a", "aac", "-shortest",
                video.toString()).redirectErrorStream(true).start();
        assertThat(p.waitFor()).as(new String(p.getInputStream().readAllBytes())).isZero();
        return video;
    }

    @Test
    void theCommandsBoundThreadsAndOutputAndNeverUpscale() {
        Ffmpeg.Probe probe = new Ffmpeg.Probe(10, 320, 181, true);
        List<String> transcode = ffmpeg.transcodeCommand(Path.of("in"), probe, Path.of("out.mp4"));
        assertThat(String.join(" ", transcode)).contains("-c:v libx264", "-pix_fmt yuv420p", "-c:a aac",
                "-movflags +faststart", "-threads 1", "-fs 52428800", "-vf scale=-2:180", "-nostdin")
                .endsWith("out.mp4");
        assertThat(String.join(" ", ffmpeg.transcodeCommand(Path.of("in"), new Ffmpeg.Probe(10, 1920, 1080, false),
                Path.of("out.mp4")))).contains("scale=-2:240");
        assertThat(String.join(" ", ffmpeg.posterCommand(Path.of("in"), probe, Path.of("p.jpg"))))
                .contains("-ss 1.000", "-frames:v 1", "scale=-2:120");
        assertThat(String.join(" ", ffmpeg.posterCommand(Path.of("in"), new Ffmpeg.Probe(0.5, 320, 100, false),
                Path.of("p.jpg")))).as("half-way through a short one, at its own height")
                .contains("-ss 0.250", "scale=-2:100");
    }

    @Test
    void aVideoIsProbedPosteredAndTranscoded() throws Exception {
        Path source = video();
        Ffmpeg.Probe probe = ffmpeg.probe(source, work);
        assertThat(probe.width()).isEqualTo(320);
        assertThat(probe.height()).isEqualTo(180);
        assertThat(probe.audio()).isTrue();
        assertThat(probe.duration()).isBetween(1.9, 2.2);

        Path poster = work.resolve("poster.jpg");
        ffmpeg.poster(source, probe, poster, work);
        var image = javax.imageio.ImageIO.read(poster.toFile());
        assertThat(image.getHeight()).isEqualTo(120);
        assertThat(image.getWidth()).isEqualTo(214);

        Path copy = work.resolve("copy.mp4");
        ffmpeg.transcode(source, probe, copy, work);
        Ffmpeg.Probe made = ffmpeg.probe(copy, work);
        assertThat(made.height()).as("never upscaled").isEqualTo(180);
        assertThat(made.audio()).isTrue();
    }

    @Test
    void aTruncatedVideoIsUnusableWithFfprobesReason() throws Exception {
        byte[] whole = Files.readAllBytes(video());
        Path truncated = Files.write(work.resolve("cut.mp4"), java.util.Arrays.copyOf(whole, whole.length / 3));
        assertThatThrownBy(() -> ffmpeg.probe(truncated, work)).isInstanceOf(Ffmpeg.Unusable.class)
                .hasMessageContaining("ffprobe cannot read it").hasMessageContaining("moov atom not found");
    }

    @Test
    void outputAtTheSizeLimitIsUnusable() throws Exception {
        Path source = video();
        Ffmpeg small = new Ffmpeg(properties(Duration.ofMinutes(1), DataSize.ofKilobytes(8), "ffprobe"));
        Ffmpeg.Probe probe = small.probe(source, work);
        assertThatThrownBy(() -> small.transcode(source, probe, work.resolve("big.mp4"), work))
                .isInstanceOf(Ffmpeg.Unusable.class).hasMessageContaining("max-output-size");
    }

    @Test
    void aRunPastTheTimeLimitIsKilled() throws Exception {
        Ffmpeg slow = new Ffmpeg(properties(Duration.ofMillis(300), DataSize.ofMegabytes(1), "ffprobe"));
        long started = System.nanoTime();
        assertThatThrownBy(() -> slow.run(List.of("sleep", "30"), work, "poster"))
                .isInstanceOf(Ffmpeg.Unusable.class).hasMessageContaining("took longer than");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void aMissingExecutableIsWorthRetryingNotTheVideosFault() {
        Ffmpeg missing = new Ffmpeg(properties(Duration.ofMinutes(1), DataSize.ofMegabytes(1), "/nonexistent/ffprobe"));
        assertThatThrownBy(() -> missing.probe(Path.of("whatever.mp4"), work)).isInstanceOf(IOException.class)
                .isNotInstanceOf(Ffmpeg.Unusable.class);
    }
}
