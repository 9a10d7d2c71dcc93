package io.depot.worker.scan;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** {@link ClamdClient} against a real clamd started by {@link ClamdServer}. */
class ClamdClientTest {

    private static final int MIB = 1024 * 1024;
    private static final Duration QUICKLY = Duration.ofSeconds(5);

    private static ClamdServer clamd;
    private static ClamdClient client;

    @BeforeAll
    static void startClamd() {
        clamd = new ClamdServer().start();
        client = new ClamdClient(clamd.properties());
    }

    @AfterAll
    static void stopClamd() {
        if (clamd != null) {
            clamd.close();
        }
    }

    @Test
    void answersPingAndItsVersion() throws IOException {
        client.ping();
        ClamdVersion version = client.version();
        assertThat(version.engine()).matches("\\d+\\.\\d+.*");
        // Only local signature files are loaded: no official database, so no database version.
        assertThat(version.databaseVersion()).isEmpty();
        assertThat(version.databaseDate()).isEmpty();
    }

    @Test
    void readsVersionRepliesWithAndWithoutTheOfficialDatabases() {
        assertThat(ClamdVersion.parse("ClamAV 1.0.9/27500/Sun Nov 29 09:00:00 2026")).hasValueSatisfying(v -> {
            assertThat(v.engine()).isEqualTo("1.0.9");
            assertThat(v.databaseVersion()).hasValue(27500);
            assertThat(v.databaseDate()).hasValue("Sun Nov 29 09:00:00 2026");
        });
        assertThat(ClamdVersion.parse("ClamAV 1.4.6")).hasValueSatisfying(v -> {
            assertThat(v.engine()).isEqualTo("1.4.6");
            assertThat(v.databaseVersion()).isEmpty();
        });
        assertThat(ClamdVersion.parse("PONG")).isEmpty();
        assertThat(ClamdVersion.parse("ClamAV 1.4.6/not-a-number/x")).isEmpty();
    }

    @Test
    void aCleanFileIsClean() throws IOException {
        byte[] data = random(8 * MIB, 1);
        long begin = System.nanoTime();
        assertThat(client.scan(new ByteArrayInputStream(data), data.length)).isEqualTo(new ScanResult.Clean());
        System.out.printf("clean scan of %d MiB: %d ms%n", data.length / MIB, (System.nanoTime() - begin) / 1_000_000);
    }

    @Test
    void anEmptyFileIsClean() throws IOException {
        assertThat(client.scan(InputStream.nullInputStream())).isEqualTo(new ScanResult.Clean());
    }

    @Test
    void theEicarFileIsInfected() throws IOException {
        assertThat(client.scan(new ByteArrayInputStream(ClamdServer.eicar())))
                .isEqualTo(new ScanResult.Infected(ClamdServer.EICAR_FOUND));
    }

    @Test
    void theMarkerInsideACompressedZipIsInfected() throws IOException {
        byte[] inner = concat(text(20_000), ClamdServer.marker(), text(20_000));
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(zip)) {
            out.putNextEntry(new ZipEntry("docs/readme.txt"));
            out.write("nothing to see".getBytes(StandardCharsets.US_ASCII));
            out.putNextEntry(new ZipEntry("payload.bin"));
            out.write(inner);
            out.closeEntry();
        }
        byte[] archive = zip.toByteArray();
        // Deflated, the marker is not in the archive's bytes: only clamd's unpacking finds it.
        assertThat(indexOf(archive, ClamdServer.marker())).isEqualTo(-1);
        // A chunk size that is not a power of two checks the framing too.
        ClamdClient oddChunks = new ClamdClient(new ClamdProperties(clamd.address(), Duration.ofSeconds(2),
                Duration.ofSeconds(60), DataSize.ofBytes(1000),
                DataSize.ofBytes(clamd.streamMaxLength())));
        assertThat(oddChunks.scan(new ByteArrayInputStream(archive)))
                .isEqualTo(new ScanResult.Infected(ClamdServer.MARKER_FOUND));
    }

    @Test
    void scansOverAUnixDomainSocket() throws IOException {
        ClamdClient local = new ClamdClient(ClamdProperties.of(clamd.unixAddress()));
        local.ping();
        assertThat(local.scan(new ByteArrayInputStream(ClamdServer.eicar())))
                .isEqualTo(new ScanResult.Infected(ClamdServer.EICAR_FOUND));
        assertThat(local.scan(new ByteArrayInputStream(random(MIB, 4)))).isEqualTo(new ScanResult.Clean());
    }

    @Test
    void aStreamOverStreamMaxLengthIsTooLarge() throws IOException {
        try (ClamdServer small = new ClamdServer(MIB).start()) {
            ClamdClient limited = new ClamdClient(small.properties());
            assertThat(limited.scan(new ByteArrayInputStream(random(MIB, 5))))
                    .isEqualTo(new ScanResult.Clean());
            // Size unknown: sent, and clamd refuses it.
            assertThat(limited.scan(new ByteArrayInputStream(random(MIB + 1, 6))))
                    .isEqualTo(new ScanResult.TooLarge());
            // A verdict after a refusal: the connection was clamd's to close, not a broken client.
            assertThat(limited.scan(new ByteArrayInputStream(ClamdServer.eicar())))
                    .isEqualTo(new ScanResult.Infected(ClamdServer.EICAR_FOUND));
        }
    }

    @Test
    void aStreamKnownToBeTooLargeIsNotSent() throws IOException {
        // Nothing listens there: an attempt to send would fail.
        ClamdClient client = new ClamdClient(ClamdProperties.of(URI.create("tcp://127.0.0.1:" + closedPort()))
                .withMaxStreamBytes(MIB));
        CountingStream source = new CountingStream(random(64 * 1024, 7), Long.MAX_VALUE);
        assertThat(client.tooLarge(MIB + 1)).isTrue();
        assertThat(client.tooLarge(MIB)).isFalse();
        assertThat(client.scan(source, MIB + 1)).isEqualTo(new ScanResult.TooLarge());
        assertThat(source.pulled).isZero();
    }

    @Test
    void aRefusedStreamIsPulledOnlyUntilClamdAnswers() throws IOException {
        try (ClamdServer small = new ClamdServer(MIB).start()) {
            ClamdClient limited = new ClamdClient(small.properties());
            // An endless source: a client that read its source whole before sending would never finish.
            CountingStream endless = new CountingStream(random(MIB, 8), Long.MAX_VALUE);
            ScanResult result = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> limited.scan(endless));
            assertThat(result).isEqualTo(new ScanResult.TooLarge());
            System.out.printf("pulled %d bytes of an endless stream before clamd's refusal (limit %d)%n",
                    endless.pulled, MIB);
            assertThat(endless.pulled).isGreaterThan(MIB).isLessThan(32L * MIB);
        }
    }

    @Test
    void aStoppedClamdIsAnErrorAtOnce() {
        try (ClamdServer down = new ClamdServer().start()) {
            ClamdClient client = new ClamdClient(down.properties());
            down.stop();
            assertTimeoutPreemptively(QUICKLY, () -> {
                assertThatThrownBy(client::ping).isInstanceOf(ClamdUnavailableException.class)
                        .hasMessageContaining(down.address().toString());
                assertThatThrownBy(() -> client.scan(new ByteArrayInputStream(random(MIB, 9))))
                        .isInstanceOf(ClamdUnavailableException.class)
                        .hasMessageContaining("cannot connect to clamd at " + down.address());
            });
        }
    }

    @Test
    void aRestartedClamdScansAgainOnTheSamePort() throws IOException {
        try (ClamdServer restarting = new ClamdServer().start()) {
            ClamdClient client = new ClamdClient(restarting.properties());
            int port = restarting.port();
            restarting.stop();
            assertThatThrownBy(() -> client.scan(new ByteArrayInputStream(ClamdServer.eicar())))
                    .isInstanceOf(ClamdUnavailableException.class);
            restarting.start();
            System.out.println("clamd restarted in " + restarting.lastStartTime().toMillis() + " ms");
            assertThat(restarting.port()).isEqualTo(port);
            assertThat(client.scan(new ByteArrayInputStream(ClamdServer.eicar())))
                    .isEqualTo(new ScanResult.Infected(ClamdServer.EICAR_FOUND));
            new ClamdClient(ClamdProperties.of(restarting.unixAddress())).ping();
        }
    }

    @Test
    void clamdKilledDuringAScanIsAnErrorNotAHang() throws IOException {
        try (ClamdServer dying = new ClamdServer().start()) {
            ClamdClient client = new ClamdClient(dying.properties());
            // The source kills clamd once 2 MiB of it were read, then goes on.
            CountingStream source = new CountingStream(random(MIB, 10), 64L * MIB) {
                @Override
                void pulledUpTo(long total) {
                    if (total >= 2L * MIB && dying.running()) {
                        dying.stop();
                    }
                }
            };
            assertTimeoutPreemptively(QUICKLY, () -> assertThatThrownBy(() -> client.scan(source))
                    .isInstanceOf(ClamdUnavailableException.class)
                    .hasMessageContaining("closed the connection without an answer"));
            assertThat(source.pulled).isLessThan(64L * MIB);
            dying.start();
            assertThat(client.scan(new ByteArrayInputStream(random(MIB, 11)))).isEqualTo(new ScanResult.Clean());
        }
    }

    @Test
    void aPeerThatNeverAnswersTimesOut() throws Exception {
        try (Silent silent = new Silent()) {
            ClamdClient client = new ClamdClient(ClamdProperties.of(silent.address())
                    .withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(300)));
            assertTimeoutPreemptively(QUICKLY, () -> {
                assertThatThrownBy(client::ping).isInstanceOf(ClamdUnavailableException.class)
                        .hasMessageContaining("did not answer within 0.3s");
                // It takes nothing either: once the socket buffers are full, sending stalls and times out.
                assertThatThrownBy(() -> client.scan(new CountingStream(random(MIB, 12), Long.MAX_VALUE)))
                        .isInstanceOf(ClamdUnavailableException.class)
                        .hasMessageContaining("took no more of the stream for 0.3s");
            });
        }
    }

    @Test
    void repliesOtherThanAVerdictAreErrors() throws Exception {
        for (String reply : List.of("stream: Can't allocate memory ERROR", "COMMAND READ TIMED OUT", "stream: FOUND",
                "UNKNOWN COMMAND")) {
            try (Answering peer = new Answering(reply + "\0")) {
                ClamdClient client = new ClamdClient(ClamdProperties.of(peer.address()));
                assertThatThrownBy(() -> client.scan(new ByteArrayInputStream(random(1000, 13))))
                        .as(reply)
                        .isInstanceOf(ClamdUnavailableException.class)
                        .hasMessageContaining(reply);
            }
        }
        try (Answering peer = new Answering("")) {
            ClamdClient client = new ClamdClient(ClamdProperties.of(peer.address()));
            assertThatThrownBy(client::ping).isInstanceOf(ClamdUnavailableException.class)
                    .hasMessageContaining("closed the connection without an answer");
        }
    }

    @Test
    void aStreamClamdWouldNotScanWholeIsTooLarge() throws Exception {
        for (String limit : List.of("MaxFileSize", "MaxScanSize")) {
            try (Answering peer = new Answering("stream: Heuristics.Limits.Exceeded." + limit + " FOUND\0")) {
                ClamdClient client = new ClamdClient(ClamdProperties.of(peer.address()));
                assertThat(client.scan(new ByteArrayInputStream(random(1000, 14)))).isEqualTo(new ScanResult.TooLarge());
            }
        }
    }

    @Test
    void refusesAddressesItCannotUse() {
        for (String address : List.of("http://127.0.0.1:3310", "tcp://127.0.0.1", "unix://", "127.0.0.1:3310")) {
            assertThatThrownBy(() -> new ClamdClient(ClamdProperties.of(URI.create(address))))
                    .as(address).isInstanceOf(IllegalArgumentException.class);
        }
    }

    private static byte[] random(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** Compressible lines, so that deflate does not fall back to storing them as they are. */
    private static byte[] text(int lines) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < lines; i++) {
            text.append("line ").append(i).append(" of a document nobody reads\n");
        }
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] data, byte[] pattern) {
        outer:
        for (int i = 0; i + pattern.length <= data.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static int closedPort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    /** {@code length} bytes (or endless) repeating {@code block}, counting what was read. */
    private static class CountingStream extends InputStream {

        private final byte[] block;
        private final long length;
        long pulled;

        CountingStream(byte[] block, long length) {
            this.block = block;
            this.length = length;
        }

        void pulledUpTo(long total) {
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int count) {
            if (pulled >= length) {
                return -1;
            }
            int position = (int) (pulled % block.length);
            int n = (int) Math.min(Math.min(count, block.length - position), length - pulled);
            System.arraycopy(block, position, buffer, offset, n);
            pulled += n;
            pulledUpTo(pulled);
            return n;
        }
    }

    /** A loopback peer that accepts connections and then neither reads nor answers. */
    private static final class Silent implements AutoCloseable {

        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final List<Socket> accepted = new ArrayList<>();
        private final Thread acceptor = new Thread(() -> {
            try {
                while (true) {
                    Socket socket = server.accept();
                    synchronized (accepted) {
                        accepted.add(socket);
                    }
                }
            } catch (IOException closed) {
                // Closed by the test.
            }
        }, "silent-peer");

        Silent() throws IOException {
            acceptor.setDaemon(true);
            acceptor.start();
        }

        URI address() {
            return URI.create("tcp://127.0.0.1:" + server.getLocalPort());
        }

        @Override
        public void close() throws Exception {
            server.close();
            synchronized (accepted) {
                for (Socket socket : accepted) {
                    socket.close();
                }
            }
            acceptor.join(5000);
        }
    }

    /** A loopback peer that answers each connection with {@code reply} at once and closes it. */
    private static final class Answering implements AutoCloseable {

        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final Thread acceptor;

        Answering(String reply) throws IOException {
            acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try (Socket socket = server.accept()) {
                        socket.getOutputStream().write(reply.getBytes(StandardCharsets.US_ASCII));
                        socket.shutdownOutput();
                        // Take what the client sends until it stops, so that closing sends no reset.
                        socket.setSoTimeout(2000);
                        socket.getInputStream().transferTo(OutputStream.nullOutputStream());
                    } catch (IOException ignored) {
                        // The next connection, or the end.
                    }
                }
            }, "answering-peer");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        URI address() {
            return URI.create("tcp://127.0.0.1:" + server.getLocalPort());
        }

        @Override
        public void close() throws Exception {
            server.close();
            acceptor.join(5000);
        }
    }
}
