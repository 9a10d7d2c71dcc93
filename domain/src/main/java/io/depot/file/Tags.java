package io.depot.file;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;

import java.text.Normalizer;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * What a file's tags may be: at most {@value #MAX_TAGS}, each a plain tag ({@code invoice}) or a {@code key=value}
 * pair ({@code project=apollo}). A key is 1 to {@value #MAX_KEY} letters, digits and {@code _ . : / -}; a value is 1 to
 * {@value #MAX_VALUE} characters with no control characters. Tags are compared as written (NFC), kept sorted and
 * without duplicates.
 */
public final class Tags {

    public static final int MAX_TAGS = 50;
    public static final int MAX_KEY = 64;
    public static final int MAX_VALUE = 256;

    private static final Pattern KEY = Pattern.compile("[\\p{L}\\p{N}_.:/-]{1," + MAX_KEY + "}");
    private static final Pattern CONTROL = Pattern.compile("[\\p{Cntrl}\\u2028\\u2029\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069]");

    private Tags() {
    }

    /** The tags sorted and without duplicates, or a refusal naming the first bad one. */
    public static List<String> normalize(List<String> tags) {
        if (tags == null) {
            throw invalid("tags must be given, as a list (empty to remove them all)");
        }
        TreeSet<String> normalized = new TreeSet<>();
        for (String tag : tags) {
            normalized.add(normalizeOne(tag));
        }
        if (normalized.size() > MAX_TAGS) {
            throw invalid("a file has at most " + MAX_TAGS + " tags, not " + normalized.size());
        }
        return List.copyOf(normalized);
    }

    /** One tag, as a listing filter takes it. */
    public static String normalizeOne(String tag) {
        if (tag == null || tag.isEmpty()) {
            throw invalid("a tag must not be empty");
        }
        String text = Normalizer.normalize(tag, Normalizer.Form.NFC);
        int equals = text.indexOf('=');
        String key = equals < 0 ? text : text.substring(0, equals);
        if (!KEY.matcher(key).matches()) {
            throw invalid("tag " + quoted(text) + ": a key is 1 to " + MAX_KEY
                    + " letters, digits and _ . : / -, optionally followed by =value");
        }
        if (equals >= 0) {
            String value = text.substring(equals + 1);
            if (value.isEmpty() || value.length() > MAX_VALUE || CONTROL.matcher(value).find()) {
                throw invalid("tag " + quoted(text) + ": a value is 1 to " + MAX_VALUE
                        + " characters without control characters");
            }
        }
        return text;
    }

    private static String quoted(String text) {
        String shown = text.length() > 40 ? text.substring(0, 40) + "..." : text;
        return '"' + CONTROL.matcher(shown).replaceAll("?") + '"';
    }

    private static DepotException invalid(String why) {
        return new DepotException(ErrorCode.VALIDATION_FAILED, why);
    }
}
