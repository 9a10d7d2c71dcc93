package io.depot.platform.axon;

import java.time.Instant;
import java.time.LocalDate;

/**
 * Reads the instants Depot writes, {@code 2026-11-30T08:42:00.123456Z} ({@link Instant#toString()} and Axon's
 * timestamp column), without a {@code DateTimeFormatter}: a formatter's parse builds a map of fields and resolves
 * them, which was the largest single cost of reading events back (a replay parsed three instants per event). Only
 * that one shape is read here: four-digit year, seconds, zero to nine fraction digits, {@code Z}. Anything else
 * (an offset, no seconds, a year past 9999) answers null, and the caller parses it as before.
 */
final class IsoInstants {

    private IsoInstants() {
    }

    /** The instant {@code text} names, or null when it is not of the one shape read here or names no valid time. */
    static Instant parse(CharSequence text) {
        int length = text.length();
        if (length < 20 || length > 30 || length == 21 || text.charAt(length - 1) != 'Z'
                || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T'
                || text.charAt(13) != ':' || text.charAt(16) != ':') {
            return null;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 2);
        int day = digits(text, 8, 2);
        int hour = digits(text, 11, 2);
        int minute = digits(text, 14, 2);
        int second = digits(text, 17, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59
                || second < 0 || second > 59) {
            return null;
        }
        int nanos = 0;
        if (length > 20) {
            if (text.charAt(19) != '.') {
                return null;
            }
            int fraction = length - 21;
            int value = digits(text, 20, fraction);
            if (value < 0) {
                return null;
            }
            for (int i = fraction; i < 9; i++) {
                value *= 10;
            }
            nanos = value;
        }
        if (day > 28 && day > LocalDate.of(year, month, 1).lengthOfMonth()) {
            return null;
        }
        LocalDate date = LocalDate.of(year, month, day);
        return Instant.ofEpochSecond(date.toEpochDay() * 86_400L + hour * 3_600L + minute * 60L + second, nanos);
    }

    /** The number written by {@code count} ASCII digits from {@code start}, or -1 when one of them is no digit. */
    private static int digits(CharSequence text, int start, int count) {
        int value = 0;
        for (int i = start; i < start + count; i++) {
            int digit = text.charAt(i) - '0';
            if (digit < 0 || digit > 9) {
                return -1;
            }
            value = value * 10 + digit;
        }
        return value;
    }
}
