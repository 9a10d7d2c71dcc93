package io.depot.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The Markdown report of a run: a header on the machine and the servers, the summary table with one row per figure
 * that has a target, then each benchmark's section in the order they ran. Rows and section titles are echoed to the
 * console as they come.
 */
final class Report {

    private static final long MIB = 1024 * 1024;

    private final Options options;
    private final List<Section> sections = new ArrayList<>();
    private final List<String[]> summary = new ArrayList<>();

    Report(Options options) {
        this.options = options;
    }

    /** A benchmark's part of the report: its own lines, and the rows it adds to the summary. */
    final class Section {

        private final String title;
        private final List<String> lines = new ArrayList<>();

        private Section(String title) {
            this.title = title;
        }

        List<String> lines() {
            return lines;
        }

        /** A row of the summary table for benchmark {@code id}; the figure is {@code measured}. */
        void row(String id, String what, String measured, String target, boolean met) {
            System.out.println(id + " " + what + ": " + measured + " (target " + target + ")");
            summary.add(new String[]{id, what, measured, target, met ? "met" : "**missed**"});
        }
    }

    Section section(String title) {
        Section section = new Section(title);
        sections.add(section);
        System.out.println("== " + title);
        return section;
    }

    /** "32 MiB", "1 GiB". */
    static String size(long bytes) {
        return bytes >= 1024 * MIB ? (bytes / (1024 * MIB)) + " GiB" : (bytes / MIB) + " MiB";
    }

    void write() throws IOException {
        boolean smoke = options.smoke();
        List<String> out = new ArrayList<>();
        out.add("# Depot benchmarks");
        out.add("");
        out.add(smoke ? "**Smoke run: sizes and durations are cut down; these figures mean nothing.**" : "");
        out.add("");
        out.add("- Date: " + Instant.now());
        out.add("- Commit: " + command("git", "rev-parse", "--short", "HEAD"));
        out.add("- Command: `benchmarks/run" + (smoke ? " --smoke" : "") + "`");
        out.add("- Machine: " + Runtime.getRuntime().availableProcessors() + " CPUs, "
                + command("sh", "-c", "awk '/MemTotal/ {printf \"%.0f GiB\", $2/1048576}' /proc/meminfo") + " RAM, "
                + command("uname", "-sr") + ", Java " + System.getProperty("java.version") + "; "
                + command("sh", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").trim());
        out.add("- Servers: the all-in-one Depot (`-Xmx1g`) on PostgreSQL (event store), mongo-java-server in memory, in a process of its own "
                + "(read models), Redis (rate limits) and S3Proxy " + "(filesystem backend, its own JVM); a bare WebFlux server "
                + "for comparison; for j, a clamd started by the benchmark. Client and servers share the machine.");
        out.add("- Each figure: median of " + options.runs() + " runs, with min and max. Shared machines are noisy: read "
                + "ratios within one run, not absolute times across runs.");
        out.add("");
        out.add("## Summary");
        out.add("");
        out.add("| # | what | measured | target | |");
        out.add("|---|---|---|---|---|");
        for (String[] r : summary) {
            out.add("| " + String.join(" | ", r) + " |");
        }
        for (Section section : sections) {
            out.add("");
            out.add("## " + section.title);
            out.add("");
            out.addAll(section.lines);
        }
        Path analysis = options.root().resolve("benchmarks/analysis.md");
        if (!smoke && options.only() == null && Files.exists(analysis)) {
            out.add("");
            out.addAll(Files.readAllLines(analysis));
        }
        Path target = options.reportFile();
        Files.createDirectories(target.getParent());
        Files.write(target, out);
        System.out.println("wrote " + target);
    }

    private static String command(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor();
            return out;
        } catch (IOException e) {
            return "?";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }
}
