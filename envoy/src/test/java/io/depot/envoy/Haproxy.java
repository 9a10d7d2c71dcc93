package io.depot.envoy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's HAProxy as a child process. The tests require it: without the binary they fail, saying how to install it.
 */
final class Haproxy implements AutoCloseable {

    private final Process process;
    private final Path log;

    private Haproxy(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static Path binary() {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/usr/local/sbin";
        return Stream.of(path.split(":")).filter(dir -> !dir.isEmpty()).map(dir -> Path.of(dir, "haproxy"))
                .filter(Files::isExecutable).findFirst()
                .orElseThrow(() -> new AssertionError("haproxy is not installed: install Debian's haproxy "
                        + "(apt-get install -y --no-install-recommends haproxy; .ci/run does)"));
    }

    /** What {@code haproxy -c} says of a configuration file: its exit code and output. */
    record Check(int exitCode, String output) {
    }

    static Check check(Path config) throws IOException, InterruptedException {
        Process check = new ProcessBuilder(binary().toString(), "-c", "-f", config.toString())
                .redirectErrorStream(true).start();
        String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Check(check.waitFor(), output);
    }

    /** HAProxy in the foreground on a configuration file, its output (the access log too) in {@code log}. */
    static Haproxy start(Path config, Path log) throws IOException {
        Process process = new ProcessBuilder(List.of(binary().toString(), "-f", config.toString(), "-db"))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new Haproxy(process, log);
    }

    boolean alive() {
        return process.isAlive();
    }

    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** A loopback port free now, for a listener the child process opens. */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
