package io.depot.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

/**
 * How a run was asked for: {@code --smoke} (small sizes, one run each), {@code --only=<letters>} (those benchmarks
 * alone), {@code --runs=<n>} (with {@code --only}: n measured runs instead of 5, to compare changes quickly),
 * {@code --part-size=<MiB>} (with {@code --only}: the parts uploads send, instead of 16 MiB), and the checkout it runs
 * in.
 */
record Options(boolean smoke, String only, Path root, int measuredRuns, Integer partSizeMiB) {

    static Options of(String[] args) {
        boolean smoke = Arrays.asList(args).contains("--smoke");
        // --only=dg runs benchmarks d and g alone, to profile or tune them, into benchmarks/target/benchmarks-dg.md;
        // --only=j (virus scanning) starts S3Proxy and clamd only, not the service.
        String only = Arrays.stream(args).filter(a -> a.startsWith("--only=")).map(a -> a.substring(7)).findFirst()
                .orElse(null);
        Path root = Path.of(System.getProperty("depot.root", ".")).toAbsolutePath().normalize();
        int runs = Arrays.stream(args).filter(a -> a.startsWith("--runs=")).map(a -> Integer.parseInt(a.substring(7)))
                .findFirst().orElse(5);
        if (runs != 5 && only == null) {
            throw new IllegalArgumentException("--runs goes with --only: the record is always the median of 5");
        }
        Integer partSizeMiB = Arrays.stream(args).filter(a -> a.startsWith("--part-size="))
                .map(a -> Integer.valueOf(a.substring(12))).findFirst().orElse(null);
        if (partSizeMiB != null && (only == null || partSizeMiB < 5)) {
            throw new IllegalArgumentException("--part-size goes with --only and is at least 5 (MiB, S3's smallest "
                    + "part): the record is always in 16 MiB parts");
        }
        return new Options(smoke, only, root, Math.max(1, runs), partSizeMiB);
    }

    /** The size of the parts uploads send: S3's 5 MiB minimum and above, 16 MiB in the record. */
    long partSize() {
        return (partSizeMiB != null ? partSizeMiB : smoke ? 8 : 16) * 1024L * 1024;
    }

    /** How many measured runs each figure is the median of. */
    int runs() {
        return smoke ? 1 : measuredRuns;
    }

    /**
     * The unmeasured load before a benchmark of a service's requests measures them: a JVM just started compiles for
     * minutes, and measured without it the first runs cost two to three times what the later ones did.
     */
    Duration warmUp() {
        return Duration.ofSeconds(smoke ? 1 : 30);
    }

    /**
     * The requests a warm-up of the download-URL endpoint serves before its runs are measured, within
     * {@link #warmUp()} at least and {@link #warmUpLimit()} at most: round three's machine served some 60,000 in its
     * 30 s, a slower one 7,000, and the last runs cost a third of the first ones there.
     */
    long warmUpRequests() {
        return smoke ? 100 : 60_000;
    }

    /** The longest a warm-up counted in requests goes on for. */
    Duration warmUpLimit() {
        return Duration.ofSeconds(smoke ? 2 : 300);
    }

    /** Whether any of these benchmarks is to run. */
    boolean wanted(String letters) {
        return only == null || letters.chars().anyMatch(c -> only.indexOf(c) >= 0);
    }

    /** Whether any benchmark of the service is to run: scanning (j) needs S3Proxy and a clamd of its own, not it. */
    boolean wantsService() {
        return wanted("abcdefghikl");
    }

    /** Where the report goes: a partial or smoke run is a working copy, never the record. */
    Path reportFile() {
        String parts = partSizeMiB == null ? "" : "-" + partSizeMiB + "mib";
        return root.resolve(only != null ? "benchmarks/target/benchmarks-" + only + parts + ".md"
                : smoke ? "benchmarks/target/benchmarks-smoke.md" : "docs/benchmarks.md");
    }
}
