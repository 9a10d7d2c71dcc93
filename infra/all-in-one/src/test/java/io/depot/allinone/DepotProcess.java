package io.depot.allinone;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
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
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(javaOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), DepotApplication.class.getName(),
                "--server.port=" + port));
        command.addAll(arguments);
        File log = logDir.resolve("depot-" + System.nanoTime() + ".log").toFile();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
        DepotProcess depot = new DepotProcess(process, port, log);
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
