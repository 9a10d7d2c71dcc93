package io.depot.worker.scan;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * A real ClamAV {@code clamd} for tests, as a child process on an ephemeral loopback port (and a Unix socket) in a
 * fresh temporary directory. Its only signatures are written by this class: the EICAR test file
 * ({@value #EICAR_NAME}) and {@value #MARKER_NAME}, which matches {@link #MARKER} anywhere, archives included.
 * No signatures are downloaded.
 * <p>
 * {@link #start()} waits for {@code PONG}; {@link #stop()} kills clamd, and {@link #start()} brings it back on the
 * same port and socket; {@link #close()} kills it and removes its directory. A machine without clamd fails the
 * test, never skips it: install {@code clamav-daemon}.
 * <pre>{@code
 * try (ClamdServer clamd = new ClamdServer().start()) {
 *     ClamdClient client = new ClamdClient(clamd.properties());
 *     ...
 * }
 * }</pre>
 */
public final class ClamdServer implements AutoCloseable {

    /** Where Debian's {@code clamav-daemon} puts clamd; {@code DEPOT_TEST_CLAMD} names another. */
    public static final String DEFAULT_CLAMD = "/usr/sbin/clamd";
    /** clamd's own default {@code StreamMaxLength} here: 100 MiB. */
    public static final long DEFAULT_STREAM_MAX_LENGTH = 100L * 1024 * 1024;

    /**
     * The 68-byte EICAR anti-virus test file. Built from two halves at run time, so no file of the repository, nor
     * a compiled class, holds it whole and gets flagged by a scanner.
     */
    public static final String EICAR = String.join("", "X5O!P%@AP[4\\PZX54(P^)7CC)7}$",
            "EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*");
    /** Anything containing these ASCII bytes is infected with {@value #MARKER_NAME}. */
    public static final String MARKER = String.join("", "DEPOT-TEST-", "MALWARE-MARKER-7f3a");
    /** The name the EICAR signature is written under. */
    public static final String EICAR_NAME = "Eicar-Test-Signature";
    /** The name the marker's signature is written under. */
    public static final String MARKER_NAME = "Depot.Test.Marker";
    /** What clamd reports for EICAR: signatures outside ClamAV's signed databases get {@code .UNOFFICIAL}. */
    public static final String EICAR_FOUND = EICAR_NAME + ".UNOFFICIAL";
    /** What clamd reports for {@link #MARKER}. */
    public static final String MARKER_FOUND = MARKER_NAME + ".UNOFFICIAL";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final int PORT_ATTEMPTS = 5;

    private final Path clamd;
    private final long streamMaxLength;
    private final Path dir;
    private final Path socket;
    private final Path log;
    private final Path output;
    private int port;
    private boolean started;
    private Process process;
    private Duration lastStartTime;
    private Thread shutdownHook;

    /** A clamd that takes streams of up to 100 MiB; not started yet. */
    public ClamdServer() {
        this(DEFAULT_STREAM_MAX_LENGTH);
    }

    /** A clamd that takes streams of up to {@code streamMaxLength} bytes; not started yet. */
    public ClamdServer(long streamMaxLength) {
        this.clamd = Path.of(System.getenv().getOrDefault("DEPOT_TEST_CLAMD", DEFAULT_CLAMD));
        if (!Files.isExecutable(clamd)) {
            throw new IllegalStateException("clamd is not installed (no " + clamd + "): tests that scan need a real "
                    + "clamd; install it with apt-get install -y --no-install-recommends clamav-daemon clamav");
        }
        this.streamMaxLength = streamMaxLength;
        try {
            this.dir = Files.createTempDirectory("depot-clamd-");
            this.socket = dir.resolve("clamd.sock");
            this.log = dir.resolve("clamd.log");
            this.output = dir.resolve("clamd.out");
            Path database = Files.createDirectory(dir.resolve("db"));
            Files.writeString(database.resolve("depot-test.ndb"), signatures(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The EICAR file's bytes. */
    public static byte[] eicar() {
        return EICAR.getBytes(StandardCharsets.US_ASCII);
    }

    /** {@link #MARKER}'s bytes. */
    public static byte[] marker() {
        return MARKER.getBytes(StandardCharsets.US_ASCII);
    }

    /** Body-based signatures, {@code Name:TargetType:Offset:HexSignature}: type 0 is any file, {@code *} anywhere. */
    private static String signatures() {
        HexFormat hex = HexFormat.of();
        return EICAR_NAME + ":0:*:" + hex.formatHex(eicar()) + "\n"
                + MARKER_NAME + ":0:*:" + hex.formatHex(marker()) + "\n";
    }

    /**
     * Starts clamd, or starts it again after {@link #stop()} on the same port, and waits until it answers
     * {@code PONG}. Fails with clamd's log when it does not come up.
     */
    public synchronized ClamdServer start() {
        if (process != null && process.isAlive()) {
            return this;
        }
        for (int attempt = 1; ; attempt++) {
            if (!started) {
                port = freePort();
            }
            try {
                launch();
                started = true;
                return this;
            } catch (IllegalStateException e) {
                // Another process may have taken the free port first; only a first start may move elsewhere.
                if (started || attempt == PORT_ATTEMPTS || !logs().contains("Address already in use")) {
                    throw e;
                }
            }
        }
    }

    private void launch() {
        try {
            Files.deleteIfExists(socket);
            Files.writeString(dir.resolve("clamd.conf"), config(), StandardCharsets.US_ASCII);
            Files.deleteIfExists(log);
            long begin = System.nanoTime();
            process = new ProcessBuilder(clamd.toString(), "--config-file=" + dir.resolve("clamd.conf"))
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            if (shutdownHook == null) {
                shutdownHook = new Thread(this::kill, "clamd-" + port + "-stop");
                Runtime.getRuntime().addShutdownHook(shutdownHook);
            }
            long deadline = begin + START_TIMEOUT.toNanos();
            while (!pong()) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("clamd exited with " + process.exitValue()
                            + " before it answered PING on 127.0.0.1:" + port + "\n" + logs());
                }
                if (System.nanoTime() > deadline) {
                    kill();
                    throw new IllegalStateException("clamd did not answer PING on 127.0.0.1:" + port + " within "
                            + START_TIMEOUT.toSeconds() + " s\n" + logs());
                }
                Thread.sleep(20);
            }
            lastStartTime = Duration.ofNanos(System.nanoTime() - begin);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + clamd, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
            throw new IllegalStateException("interrupted while clamd was starting", e);
        }
    }

    private String config() {
        // Archives and files inside them must be scanned whole up to the stream limit, or a large stream would
        // pass unscanned with a clean verdict (clamd's defaults: 100M per file, 400M per scan).
        long maxFile = Math.max(streamMaxLength, 100L * 1024 * 1024);
        long maxScan = Math.max(streamMaxLength, 400L * 1024 * 1024);
        return String.join("\n", List.of(
                "Foreground yes",
                "DatabaseDirectory " + dir.resolve("db"),
                "TemporaryDirectory " + dir,
                "LogFile " + log,
                "LogTime yes",
                "PidFile " + dir.resolve("clamd.pid"),
                "TCPAddr 127.0.0.1",
                "TCPSocket " + port,
                "LocalSocket " + socket,
                "StreamMaxLength " + streamMaxLength,
                "MaxFileSize " + maxFile,
                "MaxScanSize " + maxScan,
                // Any limit clamd hits is a verdict, never a silent "OK" for what it left unscanned.
                "AlertExceedsMax yes",
                "MaxThreads 4",
                ""));
    }

    private boolean pong() {
        try (Socket probe = new Socket()) {
            probe.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            probe.setSoTimeout(2000);
            OutputStream out = probe.getOutputStream();
            out.write("zPING\0".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = probe.getInputStream();
            return new String(in.readNBytes(5), StandardCharsets.US_ASCII).equals("PONG\0");
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Kills clamd (SIGKILL, as a crash would) and waits until it is gone; {@link #start()} brings it back. */
    public synchronized void stop() {
        kill();
    }

    private void kill() {
        Process running = process;
        if (running == null) {
            return;
        }
        running.destroyForcibly();
        try {
            running.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether clamd is running. */
    public synchronized boolean running() {
        return process != null && process.isAlive();
    }

    /** Kills clamd and removes its directory. */
    @Override
    public synchronized void close() {
        kill();
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running or about to: it kills clamd itself.
            }
            shutdownHook = null;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // A temporary directory left behind is no test failure.
        }
    }

    /** The TCP port; the same across restarts. */
    public int port() {
        return port;
    }

    /** {@code tcp://127.0.0.1:<port>}. */
    public URI address() {
        return URI.create("tcp://127.0.0.1:" + port);
    }

    /** {@code unix:///<dir>/clamd.sock}: the same clamd on a Unix domain socket. */
    public URI unixAddress() {
        return URI.create("unix://" + socket.toAbsolutePath());
    }

    /** clamd's {@code StreamMaxLength} in bytes. */
    public long streamMaxLength() {
        return streamMaxLength;
    }

    /**
     * Client settings for this clamd over TCP: its stream limit, a connect timeout of 2 s and a read timeout of
     * 60 s.
     */
    public ClamdProperties properties() {
        return ClamdProperties.of(address()).withMaxStreamBytes(streamMaxLength)
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(60));
    }

    /** How long the last start took until clamd answered PONG. */
    public Duration lastStartTime() {
        return lastStartTime;
    }

    /** What clamd printed and logged, for failure messages. */
    public String logs() {
        StringBuilder text = new StringBuilder();
        for (Path file : List.of(output, log)) {
            try {
                if (Files.exists(file)) {
                    text.append("--- ").append(file).append('\n').append(Files.readString(file, StandardCharsets.ISO_8859_1));
                }
            } catch (IOException e) {
                text.append("--- ").append(file).append(": ").append(e).append('\n');
            }
        }
        return text.toString();
    }
}
