package io.depot.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Figures of repeated runs: median, min and max; percentiles of latencies. */
record Stats(double median, double min, double max, int runs) {

    static Stats of(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        return new Stats(median, sorted.get(0), sorted.get(n - 1), n);
    }

    static double percentile(long[] sortedNanos, double p) {
        if (sortedNanos.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p / 100 * sortedNanos.length) - 1;
        return sortedNanos[Math.max(0, Math.min(index, sortedNanos.length - 1))] / 1e6;
    }

    String format(String unit, int decimals) {
        String f = "%." + decimals + "f";
        return String.format(f + " %s (min " + f + ", max " + f + ", %d runs)", median, unit, min, max, runs);
    }
}
