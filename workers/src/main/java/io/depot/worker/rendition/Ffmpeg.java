package io.depot.worker.rendition;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Runs ffprobe and ffmpeg as child processes on local files: each with a wall-clock limit (killed when it runs over),
 * bounded threads, and ffmpeg's output bounded by {@code -fs}. Their output and messages go to files beside the work,
 * so no pipe fills and blocks them.
 */
final class Ffmpeg {

    static final String POSTER = "poster.jpg";
    private static final int MESSAGE_BYTES = 600;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final VideoProperties properties;

    Ffmpeg(VideoProperties properties) {
        this.properties = properties;
    }

    /** What ffprobe tells of a video. */
    record Probe(double duration, int width, int height, boolean audio) {
    }

    /** The video cannot be made into renditions, whatever is retried: recorded as the rendition's failure. */
    static final class Unusable extends Exception {
        Unusable(String reason) {
            super(reason);
        }
    }

    /**
     * Reads the container and its streams.
     *
     * @throws Unusable    when ffprobe cannot read it or it has no video stream
     * @throws IOException when ffprobe cannot be run at all: worth retrying once it is installed
     */
    Probe probe(Path input, Path work) throws IOException, Unusable {
        Path out = run(probeCommand(input), work, "probe");
        JsonNode info = JSON.readTree(out.toFile());
        JsonNode video = null;
        boolean audio = false;
        for (JsonNode stream : info.path("streams")) {
            String type = stream.path("codec_type").asText();
            if (type.equals("video") && video == null && !stream.path("disposition").path("attached_pic").asBoolean()) {
                video = stream;
            }
            audio |= type.equals("audio");
        }
        if (video == null || video.path("width").asInt() < 1 || video.path("height").asInt() < 1) {
            throw new Unusable("it has no video stream ffprobe can read");
        }
        double duration = info.path("format").path("duration").asDouble(0);
        return new Probe(duration, video.path("width").asInt(), video.path("height").asInt(), audio);
    }

    List<String> probeCommand(Path input) {
        return List.of(properties.ffprobe(), "-v", "error", "-print_format", "json", "-show_format", "-show_streams",
                input.toString());
    }

    /** Writes the poster frame of {@code input} to {@code output}. */
    void poster(Path input, Probe probe, Path output, Path work) throws IOException, Unusable {
        run(posterCommand(input, probe, output), work, "poster");
        checkWritten(output);
    }

    /** A frame at one second, or half-way through a shorter video, as JPEG, at most the poster height. */
    List<String> posterCommand(Path input, Probe probe, Path output) {
        double at = probe.duration() > 0 ? Math.min(1.0, probe.duration() / 2) : 0;
        int height = Math.min(properties.posterHeight(), probe.height());
        List<String> command = common();
        command.addAll(List.of("-ss", String.format(Locale.ROOT, "%.3f", at), "-i", input.toString(),
                "-frames:v", "1", "-vf", "scale=-2:" + height, "-q:v", "3"));
        command.addAll(limits(output));
        return command;
    }

    /** Writes the web copy of {@code input} to {@code output}. */
    void transcode(Path input, Probe probe, Path output, Path work) throws IOException, Unusable {
        run(transcodeCommand(input, probe, output), work, "transcode");
        checkWritten(output);
    }

    /**
     * H.264 (yuv420p, which every browser plays) and AAC in MP4, its index first ({@code +faststart}) so a browser
     * plays it while it downloads; the height never above the video's own, both sides even as yuv420p needs.
     */
    List<String> transcodeCommand(Path input, Probe probe, Path output) {
        int height = Math.min(properties.transcodeHeight(), probe.height()) / 2 * 2;
        List<String> command = common();
        command.addAll(List.of("-i", input.toString(), "-map", "0:v:0", "-map", "0:a:0?",
                "-vf", "scale=-2:" + Math.max(2, height), "-c:v", "libx264", "-preset", "veryfast", "-crf", "23",
                "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "128k", "-ac", "2", "-movflags", "+faststart"));
        command.addAll(limits(output));
        return command;
    }

    private List<String> common() {
        return new ArrayList<>(List.of(properties.ffmpeg(), "-hide_banner", "-nostdin", "-v", "error", "-y"));
    }

    private List<String> limits(Path output) {
        return List.of("-threads", Integer.toString(properties.threads()),
                "-fs", Long.toString(properties.maxOutputSize().toBytes()), output.toString());
    }

    /** ffmpeg stops at {@code -fs} without failing: a file at the limit is a cut-short one. */
    private void checkWritten(Path output) throws IOException, Unusable {
        long size = Files.exists(output) ? Files.size(output) : 0;
        if (size == 0) {
            throw new Unusable("ffmpeg wrote nothing");
        }
        if (size >= properties.maxOutputSize().toBytes()) {
            throw new Unusable("its output reached " + properties.maxOutputSize().toBytes()
                    + " bytes, the most depot.video.max-output-size allows");
        }
    }

    /**
     * Runs {@code command} in {@code work} and answers the file its standard output went to.
     *
     * @throws Unusable    when it exits with an error (with the end of its messages) or runs past the time limit
     * @throws IOException when it cannot be started
     */
    Path run(List<String> command, Path work, String step) throws IOException, Unusable {
        Path out = work.resolve(step + ".out");
        Path err = work.resolve(step + ".err");
        Process process = new ProcessBuilder(command).directory(work.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(nullFile()))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        Duration limit = properties.timeLimit();
        try {
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new Unusable(step + " took longer than " + limit.toSeconds() + " s, the most "
                        + "depot.video.time-limit allows");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException(step + " interrupted", e);
        }
        if (process.exitValue() != 0) {
            String message = tail(err);
            throw new Unusable(step.equals("probe") ? "ffprobe cannot read it: " + message
                    : "ffmpeg could not make the " + step + ": " + message);
        }
        return out;
    }

    private static java.io.File nullFile() {
        return new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }

    /** The last messages a run wrote, on one line. */
    private static String tail(Path file) throws IOException {
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long from = Math.max(0, in.length() - MESSAGE_BYTES);
            byte[] bytes = new byte[(int) (in.length() - from)];
            in.seek(from);
            in.readFully(bytes);
            String text = new String(bytes, StandardCharsets.UTF_8).strip().replaceAll("\\s*\\R\\s*", "; ");
            return text.isEmpty() ? "no message" : text;
        }
    }
}
