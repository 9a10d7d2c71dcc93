package io.depot.allinone;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The all-in-one launcher as a process of its own, on the test's class path and a free loopback port, for tests
 * that kill it. Started, it answers {@code /health}.
 */
final class DepotProcess implements AutoCloseable {

    private final Process process;
    private final int port;
    private final File log;

    private DepotProcess(Process process, int port, File log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts Depot with {@code javaOptions} before its main class and {@code arguments} after it, logging to a new
     * file in {@code logDir}, and waits until it is ready.
     */
    static DepotProcess start(Path logDir, List<String> javaOptions, List<String> arguments) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(javaOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), DepotApplication.class.getName(),
                "--server.port=0"));
        command.addAll(arguments);
        File log = logDir.resolve("depot-" + System.nanoTime() + ".log").toFile();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
        DepotProcess depot = new DepotProcess(process, awaitPort(process, log, Duration.ofSeconds(120)), log);
        Api api = depot.api();
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50)).until(() -> {
            assertThat(process.isAlive()).as("Depot exited; see " + log).isTrue();
            try {
                return api.get("/health", null).status() == 200;
            } catch (RuntimeException e) {
                return false;
            }
        });
        return depot;
    }

    private static final java.util.regex.Pattern STARTED_ON = java.util.regex.Pattern.compile(
            "Netty started on port (\\d+)");

    /**
     * The port a Depot started with {@code --server.port=0} listens on, from its log. A port picked by the test and
     * freed for the process to bind could be taken in between, by the process' own embedded stores among others.
     */
    static int awaitPort(Process process, File log, Duration within) {
        int[] port = {-1};
        await().atMost(within).pollInterval(Duration.ofMillis(25)).until(() -> {
            assertThat(process.isAlive()).as("Depot exited; see " + log).isTrue();
            java.util.regex.Matcher started = STARTED_ON.matcher(java.nio.file.Files.readString(log.toPath()));
            if (started.find()) {
                port[0] = Integer.parseInt(started.group(1));
            }
            return port[0] > 0;
        });
        return port[0];
    }

    Api api() {
        return new Api(port);
    }

    int port() {
        return port;
    }

    /** SIGKILL: the process ends at once, with whatever it had not written. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
