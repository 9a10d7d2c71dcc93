package io.depot.worker.rendition;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

import java.util.List;

/**
 * Renditions of image versions ({@code depot.renditions.*}).
 *
 * @param enabled      make renditions of every available image version
 * @param sizes        the long side, in pixels, of each rendition; the aspect ratio is kept and an image is never
 *                     enlarged
 * @param formats      the formats each size is written in: {@code jpeg} and {@code png}. WebP is not offered: the
 *                     JDK has no WebP encoder and the pure-Java ImageIO plugins only read it
 * @param contentTypes the declared types that are rendered; a version of any other type gets none, and a version
 *                     whose bytes are not the image its type claims gets a recorded rendition failure
 * @param maxPixels    the most pixels (width times height, as the image's header declares them) an image may have to
 *                     be decoded: more is refused before any pixel is allocated, so a small file declaring a huge
 *                     image (a decompression bomb) costs nothing
 * @param maxBytes     the largest object that is read for renditions; larger ones get a recorded rendition failure
 */
@ConfigurationProperties("depot.renditions")
public record RenditionProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue({"128", "512"}) List<Integer> sizes,
        @DefaultValue({"jpeg", "png"}) List<Format> formats,
        @DefaultValue({"image/jpeg", "image/png", "image/gif", "image/bmp"}) List<String> contentTypes,
        @DefaultValue("50000000") long maxPixels,
        @DefaultValue("100MB") DataSize maxBytes) {

    public RenditionProperties {
        if (sizes.isEmpty() || sizes.stream().anyMatch(s -> s < 1 || s > 4096)) {
            throw new IllegalArgumentException("depot.renditions.sizes must list sizes from 1 to 4096 pixels, not " + sizes);
        }
        if (formats.isEmpty()) {
            throw new IllegalArgumentException("depot.renditions.formats must name at least one format");
        }
        sizes = List.copyOf(sizes);
        formats = List.copyOf(formats);
        contentTypes = List.copyOf(contentTypes);
    }

    /** A format renditions are written in. */
    public enum Format {
        JPEG("jpg", "image/jpeg"), PNG("png", "image/png");

        final String extension;
        final String contentType;

        Format(String extension, String contentType) {
            this.extension = extension;
            this.contentType = contentType;
        }
    }
}
