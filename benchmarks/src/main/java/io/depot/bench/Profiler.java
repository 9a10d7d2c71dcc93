package io.depot.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Flight recordings of the service during one benchmark each, started and stopped with {@code jcmd}, and a summary of
 * where its execution samples fall: the share of each library as the innermost one on the stack ("own"), the share
 * of samples with the library anywhere on the stack ("inclusive"), and the hottest methods. The recordings are kept
 * under {@code benchmarks/target/profiles} for Mission Control or {@code jfr print}.
 */
final class Profiler {

    /** Libraries by package prefix, first match wins; the JDK's own packages are attributed to their caller. */
    private static final Map<String, String> LIBRARIES = new LinkedHashMap<>();

    static {
        LIBRARIES.put("software.amazon.awssdk.", "AWS SDK");
        LIBRARIES.put("org.apache.http.", "AWS SDK");
        LIBRARIES.put("io.netty.", "Netty");
        LIBRARIES.put("reactor.", "Reactor");
        LIBRARIES.put("org.springframework.security.", "Spring Security");
        LIBRARIES.put("org.springframework.", "Spring");
        LIBRARIES.put("org.axonframework.", "Axon");
        LIBRARIES.put("com.mongodb.", "MongoDB driver");
        LIBRARIES.put("org.bson.", "MongoDB driver");
        LIBRARIES.put("io.lettuce.", "Lettuce (Redis)");
        LIBRARIES.put("io.github.bucket4j.", "Bucket4j");
        LIBRARIES.put("com.nimbusds.", "JWT (Nimbus)");
        LIBRARIES.put("com.fasterxml.jackson.", "Jackson");
        LIBRARIES.put("com.thoughtworks.xstream.", "XStream");
        LIBRARIES.put("org.postgresql.", "PostgreSQL JDBC");
        LIBRARIES.put("com.zaxxer.hikari.", "PostgreSQL JDBC");
        LIBRARIES.put("org.h2.", "H2");
        LIBRARIES.put("org.apache.tika.", "Tika");
        LIBRARIES.put("io.micrometer.", "Micrometer");
        LIBRARIES.put("io.opentelemetry.", "OpenTelemetry");
        LIBRARIES.put("ch.qos.logback.", "Logging");
        LIBRARIES.put("org.slf4j.", "Logging");
        LIBRARIES.put("io.depot.", "Depot");
        LIBRARIES.put("sun.security.", "JDK crypto");
        LIBRARIES.put("java.security.", "JDK crypto");
        LIBRARIES.put("javax.crypto.", "JDK crypto");
        LIBRARIES.put("com.sun.crypto.", "JDK crypto");
        LIBRARIES.put("java.math.", "JDK crypto");
    }

    private final long pid;
    private final Path directory;
    private boolean recording;
    private Map<String, Long> threadTicks = Map.of();

    Profiler(long pid, Path directory) {
        this.pid = pid;
        this.directory = directory;
    }

    /** Starts a recording; one runs at a time. */
    void start(String name) {
        if (recording) {
            throw new IllegalStateException("a recording is already running");
        }
        jcmd("JFR.start", "name=" + name, "settings=profile");
        recording = true;
        threadTicks = Processes.threadTicks(pid);
    }

    /** Stops the recording, keeps it, and returns its summary as report lines. */
    List<String> stop(String name, String window) throws IOException {
        Files.createDirectories(directory);
        Path file = directory.resolve(name + ".jfr").toAbsolutePath();
        Files.deleteIfExists(file);
        Map<String, Long> ticks = Processes.threadTicks(pid);
        jcmd("JFR.stop", "name=" + name, "filename=" + file);
        recording = false;
        List<String> lines = summarize(file, window);
        // The execution samples see Java code only; this also counts time in the kernel (sockets, files), the
        // garbage collector and the JIT compilers.
        lines.add("- CPU by thread (user and system, from /proc, numbered threads taken together): "
                + threadShares(threadTicks, ticks) + ".");
        return lines;
    }

    private static String threadShares(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> byGroup = new HashMap<>();
        long total = 0;
        for (Map.Entry<String, Long> entry : after.entrySet()) {
            long used = entry.getValue() - before.getOrDefault(entry.getKey(), 0L);
            String name = entry.getKey().substring(entry.getKey().indexOf(' ') + 1);
            byGroup.merge(name.replaceAll("[#-]?\\d+$", "").replaceAll("\\d+", "N").trim(), used, Long::sum);
            total += used;
        }
        if (total == 0) {
            return "none measured";
        }
        long sum = total;
        return String.format("%.1f s in all: ", sum / (double) Processes.TICKS_PER_SECOND) + byGroup.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
                .limit(8)
                .map(e -> String.format("%s %.0f%%", e.getKey(), 100.0 * e.getValue() / sum))
                .collect(Collectors.joining(", "));
    }

    static List<String> summarize(Path file, String window) throws IOException {
        Map<String, Integer> own = new HashMap<>();
        Map<String, Integer> inclusive = new HashMap<>();
        Map<String, Integer> methods = new HashMap<>();
        Map<String, Integer> threads = new HashMap<>();
        int samples = 0;
        try (RecordingFile recording = new RecordingFile(file)) {
            while (recording.hasMoreEvents()) {
                RecordedEvent event = recording.readEvent();
                if (!event.getEventType().getName().equals("jdk.ExecutionSample") || event.getStackTrace() == null) {
                    continue;
                }
                List<RecordedFrame> frames = event.getStackTrace().getFrames();
                if (frames.isEmpty()) {
                    continue;
                }
                samples++;
                if (event.getThread("sampledThread") != null) {
                    String thread = event.getThread("sampledThread").getJavaName();
                    threads.merge(thread == null ? "?" : thread.replaceAll("\\d+", "N"), 1, Integer::sum);
                }
                RecordedFrame top = frames.get(0);
                methods.merge(top.getMethod().getType().getName() + "." + top.getMethod().getName(), 1, Integer::sum);
                String innermost = null;
                List<String> seen = new ArrayList<>();
                for (RecordedFrame frame : frames) {
                    String library = library(frame.getMethod().getType().getName());
                    if (library == null) {
                        continue;
                    }
                    if (innermost == null) {
                        innermost = library;
                    }
                    if (!seen.contains(library)) {
                        seen.add(library);
                    }
                }
                own.merge(innermost == null ? "JDK (other)" : innermost, 1, Integer::sum);
                for (String library : seen) {
                    inclusive.merge(library, 1, Integer::sum);
                }
            }
        }
        List<String> lines = new ArrayList<>();
        if (samples == 0) {
            lines.add("Profile (" + window + "): no execution samples.");
            return lines;
        }
        lines.add(String.format("Profile: JFR (`settings=profile`) of the service %s, %,d execution samples, kept in "
                + "`benchmarks/target/profiles/%s`.", window, samples, file.getFileName()));
        lines.add("- Own share (innermost library on the stack): " + shares(own, samples, 10) + ".");
        lines.add("- Inclusive share (library anywhere on the stack): " + shares(inclusive, samples, 10) + ".");
        lines.add("- Hottest methods: " + shares(methods, samples, 6) + ".");
        lines.add("- Samples by thread: " + shares(threads, samples, 8) + ".");
        return lines;
    }

    private static String library(String className) {
        for (Map.Entry<String, String> entry : LIBRARIES.entrySet()) {
            if (className.startsWith(entry.getKey())) {
                return entry.getValue();
            }
        }
        return null;
    }

    private static String shares(Map<String, Integer> counts, int samples, int limit) {
        return counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder()))
                .limit(limit)
                .map(e -> String.format("%s %.0f%%", e.getKey(), 100.0 * e.getValue() / samples))
                .collect(Collectors.joining(", "));
    }

    private void jcmd(String... command) {
        List<String> line = new ArrayList<>(List.of(Processes.javaTool("jcmd"), Long.toString(pid)));
        line.addAll(List.of(command));
        try {
            Process p = new ProcessBuilder(line).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", line) + " failed: " + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
