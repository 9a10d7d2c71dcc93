package io.depot.file;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What a file may be called. A name is normalized to Unicode NFC, so names that look the same are the same file,
 * and refused when it could mislead a person or a file system that receives it: path separators, control and
 * bidirectional-override characters, names of only dots and spaces or ending in one, Windows device names, and
 * more than {@value #MAX_BYTES} bytes of UTF-8. Names are metadata only: object keys are ids.
 */
public final class Filenames {

    public static final int MAX_BYTES = 255;

    /** Controls (including NUL), bidirectional overrides and isolates, marks, and the byte-order mark. */
    private static final Pattern FORBIDDEN = Pattern.compile("[\\p{Cntrl}\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069\\uFEFF/\\\\]");
    private static final Pattern DEVICE = Pattern.compile("(CON|PRN|AUX|NUL|COM[0-9¹²³]|LPT[0-9¹²³])(\\..*)?",
            Pattern.CASE_INSENSITIVE);

    private Filenames() {
    }

    /** The name in NFC, or a refusal saying what is wrong with it. */
    public static String normalize(String filename) {
        if (filename == null || filename.isBlank()) {
            throw invalid("must not be blank");
        }
        String name = Normalizer.normalize(filename, Normalizer.Form.NFC);
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw invalid("must be at most " + MAX_BYTES + " bytes of UTF-8");
        }
        if (FORBIDDEN.matcher(name).find()) {
            throw invalid("must not contain path separators, control characters or bidirectional overrides");
        }
        if (name.chars().allMatch(c -> c == '.' || c == ' ') || name.endsWith(".") || name.endsWith(" ")
                || name.startsWith(" ")) {
            throw invalid("must not start with a space, end with a dot or a space, or be only dots");
        }
        if (DEVICE.matcher(name.trim()).matches()) {
            throw invalid("must not be a reserved device name such as " + name.split("\\.")[0].toUpperCase(Locale.ROOT));
        }
        return name;
    }

    /** The part after the last dot, lower case, or empty when there is none. */
    public static String extension(String filename) {
        int dot = filename.lastIndexOf('.');
        return dot <= 0 || dot == filename.length() - 1 ? "" : filename.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    private static DepotException invalid(String why) {
        return new DepotException(ErrorCode.INVALID_FILENAME, "filename " + why);
    }
}
