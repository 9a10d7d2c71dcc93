package io.depot.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A ClamAV {@code clamd} of the benchmark's own, never the machine's service: a child process on a loopback port and
 * a Unix socket, with a database of one signature written here (the EICAR test file; no signatures are downloaded)
 * and limits above the largest stream measured. The same approach as the workers' test {@code ClamdServer}, which
 * lives in a test jar.
 */
final class Clamd {

    static final String CLAMD = System.getenv().getOrDefault("DEPOT_BENCH_CLAMD", "/usr/sbin/clamd");
    static final String CLAMDSCAN = System.getenv().getOrDefault("DEPOT_BENCH_CLAMDSCAN", "clamdscan");
    /**
     * clamd's {@code StreamMaxLength}, {@code MaxFileSize} and {@code MaxScanSize}: 2047 MiB, clamd's limits must
     * stay under 4 GiB. Below the stream's size clamd stops scanning where the limit falls; with
     * {@code AlertExceedsMax} it says so rather than answering OK.
     */
    static final long LIMIT_MIB = 2047;
    /** The 68-byte EICAR test file, in two halves so that no file of the repository holds it whole. */
    static final String EICAR = String.join("", "X5O!P%@AP[4\\PZX54(P^)7CC)7}$", "EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*");
    static final String EICAR_FOUND = "Eicar-Test-Signature.UNOFFICIAL";

    private final Path dir;
    private final int port;
    private final Process process;

    private Clamd(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    /** Starts clamd in {@code dir} and waits until it answers {@code PONG}. */
    static Clamd start(Processes processes, Path dir) throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of(CLAMD))) {
            throw new IllegalStateException("no clamd at " + CLAMD + ": apt-get install -y --no-install-recommends "
                    + "clamav-daemon clamav (and leave the distribution's clamd service stopped)");
        }
        Files.createDirectories(dir.resolve("db"));
        Files.createDirectories(dir.resolve("tmp"));
        Files.writeString(dir.resolve("db/depot-bench.ndb"), "Eicar-Test-Signature:0:*:"
                + HexFormat.of().formatHex(EICAR.getBytes(StandardCharsets.US_ASCII)) + "\n");
        int port = Processes.freePort();
        Path socket = dir.resolve("clamd.sock");
        Files.writeString(dir.resolve("clamd.conf"), String.join("\n", List.of(
                "Foreground yes",
                "DatabaseDirectory " + dir.resolve("db"),
                // INSTREAM writes the stream here before it scans it.
                "TemporaryDirectory " + dir.resolve("tmp"),
                "LogFile " + dir.resolve("clamd.log"),
                "LogTime yes",
                "PidFile " + dir.resolve("clamd.pid"),
                "TCPAddr 127.0.0.1",
                "TCPSocket " + port,
                "LocalSocket " + socket,
                "StreamMaxLength " + LIMIT_MIB + "M",
                "MaxFileSize " + LIMIT_MIB + "M",
                "MaxScanSize " + LIMIT_MIB + "M",
                "AlertExceedsMax yes",
                "MaxThreads 4",
                "")));
        // clamdscan reads where clamd listens from its config file: TCP for --stream, as Depot connects; the Unix
        // socket for --fdpass, which passes an open file descriptor and works only there. clamdscan --stream also
        // stops sending at its config's StreamMaxLength (100M unless set) and reports clamd's verdict on that much as
        // the file's: without the limit here, a GiB "scans" clean in seconds, of which clamd saw 100 MiB.
        String limit = "StreamMaxLength " + LIMIT_MIB + "M\n";
        Files.writeString(dir.resolve("clamdscan-tcp.conf"), "TCPAddr 127.0.0.1\nTCPSocket " + port + "\n" + limit);
        Files.writeString(dir.resolve("clamdscan-unix.conf"), "LocalSocket " + socket + "\n" + limit);
        Files.writeString(dir.resolve("clamdscan-tcp-default.conf"), "TCPAddr 127.0.0.1\nTCPSocket " + port + "\n");
        Process process = processes.start(List.of(CLAMD, "--config-file=" + dir.resolve("clamd.conf")), Map.of(),
                dir.resolve("clamd.out"));
        Clamd clamd = new Clamd(dir, port, process);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!clamd.pong()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException("clamd did not answer PING on 127.0.0.1:" + port + "; see " + dir);
            }
            Thread.sleep(50);
        }
        return clamd;
    }

    URI address() {
        return URI.create("tcp://127.0.0.1:" + port);
    }

    long limitBytes() {
        return LIMIT_MIB * 1024 * 1024;
    }

    long pid() {
        return process.pid();
    }

    String version() {
        try {
            return command("VERSION");
        } catch (IOException e) {
            return "?";
        }
    }

    /** A scan by {@code clamdscan}: {@code --stream} over TCP, or {@code --fdpass} over the Unix socket. */
    ClamdscanRun clamdscan(String mode, Path file) throws IOException, InterruptedException {
        return clamdscan(mode, file, mode.equals("--fdpass") ? "clamdscan-unix.conf" : "clamdscan-tcp.conf");
    }

    /** {@code clamdscan --stream} with its own default {@code StreamMaxLength}. */
    ClamdscanRun clamdscanWithDefaultLimit(Path file) throws IOException, InterruptedException {
        return clamdscan("--stream", file, "clamdscan-tcp-default.conf");
    }

    private ClamdscanRun clamdscan(String mode, Path file, String configName) throws IOException, InterruptedException {
        Path config = dir.resolve(configName);
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(CLAMDSCAN, "--config-file=" + config, mode, "--no-summary", file.toString())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        int status = p.waitFor();
        double seconds = (System.nanoTime() - t0) / 1e9;
        // clamdscan exits 0 when clean, 1 when something was found, 2 on an error.
        if (status == 2) {
            throw new IllegalStateException("clamdscan " + mode + " failed: " + output);
        }
        return new ClamdscanRun(seconds, output.substring(output.lastIndexOf(": ") + 2));
    }

    record ClamdscanRun(double seconds, String verdict) {
    }

    private boolean pong() {
        try {
            return command("PING").equals("PONG");
        } catch (IOException e) {
            return false;
        }
    }

    private String command(String command) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(("z" + command + "\0").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String reply = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            int end = reply.indexOf('\0');
            return (end < 0 ? reply : reply.substring(0, end)).trim();
        }
    }
}
