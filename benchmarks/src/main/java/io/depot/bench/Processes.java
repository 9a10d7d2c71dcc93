package io.depot.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Child processes of a benchmark run, when they answer, and what Linux says they cost. */
final class Processes {

    static final long TICKS_PER_SECOND = ticks();
    private final List<Process> started = new ArrayList<>();

    /** A child process that serves on a loopback port. */
    record Server(int port, Process process) {
        long pid() {
            return process.pid();
        }
    }

    Process start(List<String> command, Map<String, String> env, Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        started.add(process);
        return process;
    }

    /** A main class of this classpath in a JVM of its own, given a free port as its argument. */
    Server startMain(Class<?> main, String maxHeap, Path log) throws IOException {
        int port = freePort();
        Process process = start(List.of(javaTool("java"), "-Xmx" + maxHeap, "-cp",
                System.getProperty("java.class.path"), main.getName(), Integer.toString(port)), Map.of(), log);
        return new Server(port, process);
    }

    void stopAll() {
        for (Process p : started) {
            p.destroy();
        }
        for (Process p : started) {
            try {
                if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** User plus system CPU seconds the process has used so far. */
    static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / (double) TICKS_PER_SECOND;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * CPU seconds the process's JIT compiler threads have used so far. A fresh JVM compiles for minutes after it
     * starts (one C1 and one C2 thread on two cores, working through a queue), which is a cost of starting, not of
     * the work measured meanwhile; figures are given with and without it.
     */
    static double jitSeconds(long pid) {
        long ticks = threadTicks(pid).entrySet().stream()
                .filter(e -> e.getKey().substring(e.getKey().indexOf(' ') + 1).matches("C[12] CompilerThre.*"))
                .mapToLong(Map.Entry::getValue).sum();
        return ticks / (double) TICKS_PER_SECOND;
    }

    /** User plus system CPU ticks of each live thread of the process, keyed by thread id and name. */
    static Map<String, Long> threadTicks(long pid) {
        Map<String, Long> ticks = new java.util.HashMap<>();
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks.put(task.getFileName() + " " + name, Long.parseLong(fields[11]) + Long.parseLong(fields[12]));
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return ticks;
    }

    /**
     * CPU milliseconds each live thread of the JVM has used so far, keyed by its Java name, which /proc cuts to 15
     * characters ({@code EventProcessor[} for every processor): from the thread dump {@code jcmd Thread.print}
     * prints, threads of the same name taken together.
     */
    static Map<String, Double> javaThreadCpuMillis(long pid) {
        Map<String, Double> millis = new java.util.HashMap<>();
        java.util.regex.Pattern thread = java.util.regex.Pattern.compile("^\"(.*)\" .* cpu=([0-9.]+)ms ");
        try {
            Process jcmd = new ProcessBuilder(javaTool("jcmd"), Long.toString(pid), "Thread.print")
                    .redirectErrorStream(true).start();
            for (String line : new String(jcmd.getInputStream().readAllBytes()).lines().toList()) {
                java.util.regex.Matcher m = thread.matcher(line);
                if (m.find()) {
                    millis.merge(m.group(1), Double.parseDouble(m.group(2)), Double::sum);
                }
            }
            jcmd.waitFor();
            return millis;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** CPU seconds the whole machine has spent busy so far (all processes, all cores; from /proc/stat). */
    static double machineBusySeconds() {
        try {
            String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            for (int i = 1; i < fields.length && i <= 8; i++) {
                if (i != 4 && i != 5) { // idle and iowait
                    busy += Long.parseLong(fields[i]);
                }
            }
            return busy / (double) TICKS_PER_SECOND;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** CPU seconds used so far, without the JIT compiler threads' ({@link #jitSeconds}). */
    static double workSeconds(long pid) {
        return cpuSeconds(pid) - jitSeconds(pid);
    }

    /** The same, of several processes together. */
    static double workSeconds(List<Long> pids) {
        return pids.stream().mapToDouble(Processes::workSeconds).sum();
    }

    /** The machine's 1-minute load average (/proc/loadavg): other work on its cores shows here. */
    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Resident set size in MiB. */
    static double rssMiB(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
                }
            }
            throw new IllegalStateException("no VmRSS for " + pid);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Heap in use in MiB right after a full collection the process is asked for ({@code jcmd GC.run}): what it
     * holds, without the garbage it has not collected yet.
     */
    static double heapLiveMiB(long pid) {
        try {
            Process jcmd = new ProcessBuilder(javaTool("jcmd"), Long.toString(pid), "GC.run").redirectErrorStream(true)
                    .start();
            jcmd.getInputStream().readAllBytes();
            if (jcmd.waitFor() != 0) {
                throw new IllegalStateException("jcmd GC.run failed for " + pid);
            }
            return heapUsedMiB(pid);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Heap in use (young and old generations) in MiB, as {@code jstat -gc} reports it. */
    static double heapUsedMiB(long pid) {
        try {
            Process jstat = new ProcessBuilder(javaTool("jstat"), "-gc", Long.toString(pid)).redirectErrorStream(true).start();
            List<String> lines = new String(jstat.getInputStream().readAllBytes()).lines().toList();
            jstat.waitFor();
            String[] names = lines.get(0).trim().split("\\s+");
            String[] values = lines.get(1).trim().split("\\s+");
            double kb = 0;
            for (int i = 0; i < names.length; i++) {
                if (List.of("S0U", "S1U", "EU", "OU").contains(names[i])) {
                    kb += Double.parseDouble(values[i]);
                }
            }
            return kb / 1024.0;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static boolean reachable(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static void awaitPort(int port, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!reachable(port)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("nothing listens on " + port);
            }
            Thread.sleep(100);
        }
    }

    /** Waits until {@code url} answers 200; gives up early when {@code process}, logging into {@code logs}, exits. */
    static void awaitHealth(String url, Duration timeout, Process process, Path logs) throws InterruptedException {
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the process behind " + url + " exited; see its log in " + logs);
            }
            try {
                if (client.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(url + " did not answer within " + timeout);
    }

    static String javaTool(String name) {
        return Path.of(System.getProperty("java.home"), "bin", name).toString();
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static long ticks() {
        try {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK").start();
            return Long.parseLong(new String(getconf.getInputStream().readAllBytes()).trim());
        } catch (IOException | NumberFormatException e) {
            return 100;
        }
    }
}
