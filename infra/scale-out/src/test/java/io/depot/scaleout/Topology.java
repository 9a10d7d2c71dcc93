package io.depot.scaleout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Depot's distributed topology, started and changed with the same commands the README gives a user:
 * {@code infra/local/depot-topology} (two command services, two query services, one workers service, HAProxy
 * configured from envoy/envoy.yaml, a stand-in process for MongoDB and S3) on the tests' PostgreSQL and Redis.
 * Every process runs on a block of free loopback ports of its own.
 */
final class Topology implements AutoCloseable {

    static final Path ROOT = Path.of(System.getProperty("depot.root", "../..")).toAbsolutePath().normalize();
    private static final Path SCRIPT = ROOT.resolve("infra/local/depot-topology");

    private final Path dir;
    private final int base;
    private final Map<String, String> environment;

    private Topology(Path dir, int base, Map<String, String> environment) {
        this.dir = dir;
        this.base = base;
        this.environment = environment;
    }

    /** Starts everything and returns once the balancer answers; the event store is {@code jdbcUrl}. */
    static Topology start(Path dir, String jdbcUrl, String jdbcUser, String jdbcPassword, String redisUrl) {
        assertThat(Path.of("/usr/sbin/haproxy")).as("Debian's haproxy (apt-get install haproxy; .ci/run installs it)")
                .exists();
        int base = freeBlock();
        Map<String, String> environment = new HashMap<>();
        environment.put("DEPOT_TOPOLOGY_DIR", dir.toString());
        environment.put("DEPOT_PORT_BASE", Integer.toString(base));
        environment.put("DEPOT_PORT", Integer.toString(base + 40));
        environment.put("DEPOT_JDBC_URL", jdbcUrl);
        environment.put("DEPOT_JDBC_USER", jdbcUser);
        environment.put("DEPOT_JDBC_PASSWORD", jdbcPassword);
        environment.put("DEPOT_REDIS_URI", redisUrl);
        // A killed instance's segments move within 5 s.
        environment.put("DEPOT_CLAIM_TIMEOUT", "5s");
        environment.put("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
        Topology topology = new Topology(dir, base, environment);
        try {
            topology.run(Duration.ofMinutes(6), "start");
        } catch (RuntimeException | AssertionError e) {
            // What did start is stopped, and every log kept, before the failure is reported.
            try {
                topology.close();
            } catch (RuntimeException | AssertionError suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return topology;
    }

    /**
     * A block of 41 loopback ports, none of them taken right now, below the kernel's ephemeral range: the processes'
     * own outgoing connections (a few hundred while five services start) take their local ports from that range, and
     * one of them landing on a port of the block before its service binds it would fail that service's start.
     */
    private static int freeBlock() {
        int ephemeralLow = ephemeralLow();
        int blocks = (ephemeralLow - 41 - 20000) / 100;
        assertThat(blocks).as("room for port blocks between 20000 and the ephemeral range at %d", ephemeralLow)
                .isPositive();
        for (int attempt = 0; attempt < 50; attempt++) {
            int base = 20000 + 100 * ThreadLocalRandom.current().nextInt(blocks);
            boolean free = true;
            for (int port = base; port <= base + 40 && free; port++) {
                try (ServerSocket socket = new ServerSocket()) {
                    socket.setReuseAddress(true);
                    socket.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port), 1);
                } catch (IOException e) {
                    free = false;
                }
            }
            if (free) {
                return base;
            }
        }
        throw new IllegalStateException("no block of 41 free loopback ports");
    }

    /** The lowest local port the kernel gives outgoing connections (Linux's default is 32768). */
    private static int ephemeralLow() {
        // Read as a stream: /proc reports a size of 0, and Files.readString trusts the size.
        try (var in = Files.newInputStream(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
            return Integer.parseInt(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII)
                    .trim().split("\\s+")[0]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int balancerPort() {
        return base + 40;
    }

    /** The port of the {@code n}th command service. */
    int commandPort(int n) {
        return base + n;
    }

    int s3Port() {
        return base + 32;
    }

    String s3SecretKey() {
        try {
            return Files.readString(dir.resolve("stores/s3-secret")).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String token(String user) {
        return run(Duration.ofSeconds(30), "token", user).trim();
    }

    /** SIGKILL: the process ends at once, mid-request. */
    void kill(String name) {
        run(Duration.ofSeconds(30), "kill", name);
    }

    /** SIGTERM, returning once the process has drained and exited. */
    void drain(String name) {
        run(Duration.ofMinutes(2), "drain", name);
    }

    /** Starts a stopped process again, as it was started, and returns once it is ready. */
    void restart(String name) {
        run(Duration.ofMinutes(4), "restart", name);
    }

    private String run(Duration limit, String... arguments) {
        List<String> command = new ArrayList<>(List.of(SCRIPT.toString()));
        command.addAll(List.of(arguments));
        try {
            Path output = Files.createTempFile(dir, "command-", ".out");
            ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile())
                    .redirectErrorStream(true).redirectOutput(output.toFile());
            builder.environment().putAll(environment);
            Process process = builder.start();
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("depot-topology " + String.join(" ", arguments) + " took over " + limit
                        + ":\n" + Files.readString(output));
            }
            String text = Files.readString(output);
            assertThat(process.exitValue()).as("depot-topology %s:%n%s", String.join(" ", arguments), text)
                    .isZero();
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops everything, and keeps each process's log and the balancer's configuration in target/scale-out-logs. */
    @Override
    public void close() {
        try {
            run(Duration.ofMinutes(3), "stop");
        } finally {
            Path kept = Path.of("target", "scale-out-logs").toAbsolutePath();
            try (var logs = Files.list(dir.resolve("logs"))) {
                Files.createDirectories(kept);
                for (Path log : logs.toList()) {
                    Files.copy(log, kept.resolve(log.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
                if (Files.exists(dir.resolve("haproxy.cfg"))) {
                    Files.copy(dir.resolve("haproxy.cfg"), kept.resolve("haproxy.cfg"),
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
