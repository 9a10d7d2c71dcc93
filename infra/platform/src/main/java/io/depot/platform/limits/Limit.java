package io.depot.platform.limits;

import org.springframework.boot.convert.DurationStyle;

import java.time.Duration;

/**
 * A rate: {@code capacity} tokens that refill evenly over {@code period}; written {@code 60/1m}. A burst may use
 * the whole capacity at once.
 */
public record Limit(long capacity, Duration period) {

    public Limit {
        if (capacity < 1 || period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("a limit needs a positive capacity and period");
        }
        if ((double) capacity / period.toNanos() > 1) {
            throw new IllegalArgumentException("a limit may refill at most one token per nanosecond: " + capacity + "/" + period);
        }
    }

    /** Parses {@code <count>/<duration>}, for example {@code 600/1m} or {@code 10000/1h}. */
    public static Limit parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("a limit is written <count>/<duration>, such as 60/1m: " + text);
        }
        return new Limit(Long.parseLong(text.substring(0, slash).trim()),
                DurationStyle.SIMPLE.parse(text.substring(slash + 1).trim()));
    }
}
