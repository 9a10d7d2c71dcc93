package io.depot.worker.rendition;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

import java.time.Duration;
import java.util.List;

/**
 * Renditions of video versions ({@code depot.video.*}): a poster frame and a copy for the web, made with ffmpeg.
 *
 * @param enabled         make them of every available video version
 * @param contentTypes    the declared types that are videos; a version of any other type gets none
 * @param posterHeight    the poster's height in pixels at most (a shorter video keeps its own), aspect kept
 * @param transcodeHeight the web copy's height in pixels (never more than the video's own), aspect kept, even sides;
 *                        it names the rendition: {@code <height>p.mp4}
 * @param timeLimit       how long one ffprobe or ffmpeg run may take; then it is killed and the rendition fails
 * @param maxOutputSize   the largest file one ffmpeg run may write ({@code -fs}); more is a failure
 * @param maxBytes        the largest version that is read; larger ones get a recorded failure
 * @param threads         threads one ffmpeg run may use
 * @param ffmpeg          the ffmpeg executable, a path or a name looked up on {@code PATH}
 * @param ffprobe         the ffprobe executable
 */
@ConfigurationProperties("depot.video")
public record VideoProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue({"video/mp4", "video/quicktime", "video/webm", "video/x-matroska"}) List<String> contentTypes,
        @DefaultValue("480") int posterHeight,
        @DefaultValue("720") int transcodeHeight,
        @DefaultValue("10m") Duration timeLimit,
        @DefaultValue("2GB") DataSize maxOutputSize,
        @DefaultValue("4GB") DataSize maxBytes,
        @DefaultValue("2") int threads,
        @DefaultValue("ffmpeg") String ffmpeg,
        @DefaultValue("ffprobe") String ffprobe) {

    public VideoProperties {
        if (posterHeight < 2 || transcodeHeight < 2 || posterHeight > 4320 || transcodeHeight > 4320) {
            throw new IllegalArgumentException("depot.video.poster-height and transcode-height must be from 2 to 4320 "
                    + "pixels, not " + posterHeight + " and " + transcodeHeight);
        }
        if (threads < 1 || timeLimit.isNegative() || timeLimit.isZero()) {
            throw new IllegalArgumentException("depot.video.threads must be at least 1 and time-limit positive");
        }
        contentTypes = List.copyOf(contentTypes);
    }

    /** The web copy's rendition name. */
    String transcodeName() {
        return transcodeHeight + "p.mp4";
    }
}
