package io.depot.file;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;

import java.util.Locale;

/**
 * A resized copy of an image version its owner asks for: a box of {@code width} by {@code height} pixels (either may
 * be absent, not both), how the image fits it, and the format it is written in. Its {@link #name() name} is derived
 * from these alone, so the same request always names the same rendition.
 *
 * @param width  the box's width, 1 to {@value #MAX_SIDE}, or null
 * @param height the box's height, 1 to {@value #MAX_SIDE}, or null
 * @param fit    how the image fits the box; with one side given every fit scales to it, aspect kept, and is
 *               {@link Fit#CONTAIN}
 * @param format the format written
 */
public record Transform(Integer width, Integer height, Fit fit, Format format) {

    public static final int MAX_SIDE = 4096;

    public Transform {
        if (width == null && height == null) {
            throw invalid("give \"width\", \"height\" or both");
        }
        checkSide("width", width);
        checkSide("height", height);
        if (fit == null || width == null || height == null) {
            fit = Fit.CONTAIN;
        }
        if (format == null) {
            format = Format.JPEG;
        }
    }

    /**
     * A transform from a request's words: {@code fit} is {@code contain} (the default), {@code cover} or {@code fill};
     * {@code format} is {@code jpeg} (the default) or {@code png}.
     *
     * @throws DepotException {@link ErrorCode#VALIDATION_FAILED} for sizes out of range or an unknown fit,
     *                        {@link ErrorCode#FORMAT_NOT_SUPPORTED} for a format Depot does not write (WebP among them)
     */
    public static Transform of(Integer width, Integer height, String fit, String format) {
        return new Transform(width, height, Fit.parse(fit), Format.parse(format));
    }

    /** {@code w640-h480-cover.jpg}, {@code w640-contain.png}, {@code h300-contain.jpg}. */
    public String name() {
        StringBuilder name = new StringBuilder();
        if (width != null) {
            name.append('w').append(width).append('-');
        }
        if (height != null) {
            name.append('h').append(height).append('-');
        }
        return name.append(fit.word()).append('.').append(format.extension()).toString();
    }

    private static void checkSide(String side, Integer pixels) {
        if (pixels != null && (pixels < 1 || pixels > MAX_SIDE)) {
            throw invalid("\"" + side + "\" must be from 1 to " + MAX_SIDE + " pixels, not " + pixels);
        }
    }

    private static DepotException invalid(String detail) {
        return new DepotException(ErrorCode.VALIDATION_FAILED, detail);
    }

    /** How an image fits the box. */
    public enum Fit {
        /** Inside the box, aspect ratio kept: one side may be shorter than the box's. */
        CONTAIN,
        /** Fills the box, aspect ratio kept: what overflows is cropped, around the centre. */
        COVER,
        /** Exactly the box, stretched. */
        FILL;

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Fit parse(String word) {
            if (word == null) {
                return CONTAIN;
            }
            for (Fit fit : values()) {
                if (fit.word().equals(word)) {
                    return fit;
                }
            }
            throw invalid("\"fit\" must be contain, cover or fill, not \"" + word + "\"");
        }
    }

    /** The formats a transform is written in. */
    public enum Format {
        JPEG("jpg", "image/jpeg"), PNG("png", "image/png");

        private final String extension;
        private final String contentType;

        Format(String extension, String contentType) {
            this.extension = extension;
            this.contentType = contentType;
        }

        public String extension() {
            return extension;
        }

        public String contentType() {
            return contentType;
        }

        static Format parse(String word) {
            if (word == null) {
                return JPEG;
            }
            String given = word.toLowerCase(Locale.ROOT);
            if (given.equals("jpeg") || given.equals("jpg")) {
                return JPEG;
            }
            if (given.equals("png")) {
                return PNG;
            }
            if (given.equals("webp")) {
                throw new DepotException(ErrorCode.FORMAT_NOT_SUPPORTED, "WebP is not offered: the JDK's ImageIO, "
                        + "which Depot renders with, has no WebP writer; ask for jpeg or png");
            }
            throw new DepotException(ErrorCode.FORMAT_NOT_SUPPORTED, "\"format\" must be jpeg or png, not \""
                    + word + "\"");
        }
    }
}
