package io.depot.allinone;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A process of the workers deployable, started from its exec jar as a deployment would start it: settings in the
 * environment variables its application.yml names, a free loopback port. The reactor packages the workers module
 * before this one's tests run ({@code mvn verify} or {@code package}); the jar is refused when it is missing or
 * older than the classes it is built from.
 */
final class WorkerProcess implements AutoCloseable {

    /**
     * Several JVMs start at once on a small machine: the client compiler and the serial collector halve the time
     * each takes to start.
     */
    static final List<String> JAVA_OPTIONS = List.of("-Xmx384m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
    /** The modules whose classes the workers' exec jar carries. */
    private static final List<String> MODULES = List.of("domain", "infra/platform", "sagas", "projections", "workers");

    private final Process process;
    private final int port;
    private final Path log;

    private WorkerProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** The workers' exec jar this build made ({@code depot.workers.jar}, set by the build). */
    static Path execJar() {
        String configured = System.getProperty("depot.workers.jar");
        Path jar = (configured != null ? Path.of(configured)
                : Path.of("../../workers/target/depot-workers-0.1.0-SNAPSHOT-exec.jar")).toAbsolutePath().normalize();
        assertThat(jar).as("the workers' exec jar: run mvn verify (or package) from the project's root").exists();
        Path root = jar.getParent().getParent().getParent();
        long built = jar.toFile().lastModified();
        for (String module : MODULES) {
            Path classes = root.resolve(module).resolve("target/classes");
            if (!Files.isDirectory(classes)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(classes)) {
                files.filter(f -> f.toString().endsWith(".class")).forEach(f -> assertThat(f.toFile().lastModified())
                        .as("%s is newer than %s: run mvn verify (or package) from the project's root", f, jar)
                        .isLessThanOrEqualTo(built));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return jar;
    }

    /**
     * Starts a workers process with {@code environment} added to this one's and {@code arguments} after the jar,
     * logging to a new file in {@code logDir}; it is ready once {@link #awaitReady()} returns.
     */
    static WorkerProcess start(Path jar, Path logDir, Map<String, String> environment, List<String> arguments)
            throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JAVA_OPTIONS);
        command.addAll(List.of("-jar", jar.toString()));
        command.addAll(arguments);
        Path log = logDir.resolve("workers-" + System.nanoTime() + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        builder.environment().put("PORT", Integer.toString(port));
        return new WorkerProcess(builder.start(), port, log);
    }

    /** Waits until the process answers its readiness probe. */
    void awaitReady() {
        Api api = new Api(port);
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100)).until(() -> {
            assertThat(process.isAlive()).as("the workers process exited; see " + log).isTrue();
            try {
                return api.get("/health/readiness", null).status() == 200;
            } catch (RuntimeException e) {
                return false;
            }
        });
    }

    Api api() {
        return new Api(port);
    }

    /** The name it claims tracking tokens under: Axon's default, the JVM's {@code pid@host}. */
    boolean owns(String tokenOwner) {
        return tokenOwner != null && tokenOwner.startsWith(process.pid() + "@");
    }

    List<String> logLines() {
        try {
            return Files.readAllLines(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path log() {
        return log;
    }

    /** SIGKILL: the process ends at once, holding its claims until they time out. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }

    @Override
    public String toString() {
        return "workers process " + process.pid();
    }
}
