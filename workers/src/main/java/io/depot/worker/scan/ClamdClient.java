package io.depot.worker.scan;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * A client of ClamAV's {@code clamd} over TCP or a Unix domain socket: {@code PING}, {@code VERSION} and
 * {@code INSTREAM} scans, one connection per call. A stream is read from its source and sent one chunk at a time,
 * so a scan holds about one chunk in memory whatever the stream's size.
 * <p>
 * Calls block: make them from a worker thread, never from an event loop. Each wait on clamd is bounded by the
 * connect or read timeout. Anything short of a verdict is a {@link ClamdUnavailableException}; the client itself
 * never retries, since a stream cannot be read twice. Thread-safe.
 */
public class ClamdClient {

    /** clamd's replies are one short line; anything longer is not clamd. */
    private static final int MAX_REPLY = 4096;
    private static final String SIZE_LIMIT_EXCEEDED = "INSTREAM size limit exceeded. ERROR";
    private static final String STREAM = "stream: ";
    private static final String FOUND = " FOUND";
    /** clamd's answers (with AlertExceedsMax) about a stream it would not scan whole, for its size or scan time. */
    private static final String LIMITS_EXCEEDED = "Heuristics.Limits.Exceeded.";

    private static final ScanResult CLEAN = new ScanResult.Clean();
    private static final ScanResult TOO_LARGE = new ScanResult.TooLarge();

    private final ClamdProperties properties;
    private final SocketAddress address;
    private final String name;
    private final int chunkSize;

    public ClamdClient(ClamdProperties properties) {
        this.properties = properties;
        this.address = socketAddress(properties.address());
        this.name = properties.address().toString();
        this.chunkSize = (int) properties.chunkSize().toBytes();
    }

    private static SocketAddress socketAddress(URI address) {
        if (address == null || address.getScheme() == null) {
            throw new IllegalArgumentException("depot.scan.clamd.address must be tcp://host:port or unix:///path, not "
                    + address);
        }
        switch (address.getScheme().toLowerCase(Locale.ROOT)) {
            case "tcp" -> {
                if (address.getHost() == null || address.getPort() < 1) {
                    throw new IllegalArgumentException("depot.scan.clamd.address needs a host and a port: " + address);
                }
                return InetSocketAddress.createUnresolved(address.getHost(), address.getPort());
            }
            case "unix" -> {
                String path = address.getPath();
                if (path == null || path.isEmpty()) {
                    throw new IllegalArgumentException("depot.scan.clamd.address needs a socket path: " + address);
                }
                return UnixDomainSocketAddress.of(path);
            }
            default -> throw new IllegalArgumentException(
                    "depot.scan.clamd.address must be tcp://host:port or unix:///path, not " + address);
        }
    }

    public ClamdProperties properties() {
        return properties;
    }

    /** Whether clamd would refuse a stream of {@code size} bytes (its {@code StreamMaxLength}). */
    public boolean tooLarge(long size) {
        return size > properties.maxStreamBytes().toBytes();
    }

    /** Checks that clamd answers {@code PONG}. */
    public void ping() throws ClamdUnavailableException {
        String reply = command("PING");
        if (!reply.equals("PONG")) {
            throw unexpected("PING", reply);
        }
    }

    /** clamd's engine and signature database versions. */
    public ClamdVersion version() throws ClamdUnavailableException {
        String reply = command("VERSION");
        return ClamdVersion.parse(reply).orElseThrow(() -> unexpected("VERSION", reply));
    }

    /**
     * Scans a stream of unknown length. {@code source} is read to its end, or until clamd refuses the stream as too
     * large; it is not closed.
     *
     * @throws ClamdUnavailableException when clamd gives no verdict
     * @throws IOException               when reading {@code source} fails
     */
    public ScanResult scan(InputStream source) throws IOException {
        return scan(source, -1);
    }

    /**
     * Scans a stream of {@code size} bytes (negative when unknown). One known to be larger than
     * {@code max-stream-bytes} is {@link ScanResult.TooLarge} at once, without a connection to clamd.
     *
     * @throws ClamdUnavailableException when clamd gives no verdict
     * @throws IOException               when reading {@code source} fails
     */
    public ScanResult scan(InputStream source, long size) throws IOException {
        if (size >= 0 && tooLarge(size)) {
            return TOO_LARGE;
        }
        try (Connection connection = connect()) {
            if (!connection.send(ascii("zINSTREAM\0"))) {
                return verdict(connection.reply());
            }
            // Each chunk is its length, 4 bytes big-endian, and its bytes; a zero length ends the stream.
            ByteBuffer chunk = ByteBuffer.allocate(4 + chunkSize);
            int read;
            do {
                read = source.readNBytes(chunk.array(), 4, chunkSize);
                chunk.clear().putInt(0, read).limit(4 + read);
                // clamd answers before the end when it refuses the stream; stop sending and read why.
            } while (connection.send(chunk) && read > 0);
            return verdict(connection.reply());
        }
    }

    private ScanResult verdict(String reply) throws ClamdUnavailableException {
        if (reply.equals(STREAM + "OK")) {
            return CLEAN;
        }
        if (reply.startsWith(STREAM) && reply.endsWith(FOUND) && reply.length() > STREAM.length() + FOUND.length()) {
            String signature = reply.substring(STREAM.length(), reply.length() - FOUND.length());
            // With AlertExceedsMax, a stream clamd would not scan whole (over MaxFileSize, MaxScanSize, MaxScanTime, ...)
            // is reported rather than passed unscanned: it was too large to scan, like one over StreamMaxLength.
            return signature.startsWith(LIMITS_EXCEEDED) ? TOO_LARGE : new ScanResult.Infected(signature);
        }
        if (reply.equals(SIZE_LIMIT_EXCEEDED)) {
            return TOO_LARGE;
        }
        if (reply.endsWith("ERROR")) {
            throw new ClamdUnavailableException("clamd at " + name + " could not scan the stream: " + reply);
        }
        throw unexpected("INSTREAM", reply);
    }

    private String command(String command) throws ClamdUnavailableException {
        try (Connection connection = connect()) {
            connection.send(ascii("z" + command + "\0"));
            return connection.reply();
        }
    }

    private ClamdUnavailableException unexpected(String command, String reply) {
        return new ClamdUnavailableException("clamd at " + name + " answered " + command + " with something else "
                + "than expected: " + quote(reply));
    }

    private static String quote(String reply) {
        String shown = reply.length() > 200 ? reply.substring(0, 200) + "..." : reply;
        return '"' + shown.replaceAll("\\p{Cntrl}", "?") + '"';
    }

    private static ByteBuffer ascii(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
    }

    private static String describe(Duration duration) {
        return duration.toString().substring(2).toLowerCase(Locale.ROOT);
    }

    private Connection connect() throws ClamdUnavailableException {
        SocketChannel channel = null;
        Selector selector = null;
        try {
            SocketAddress target = address instanceof InetSocketAddress inet
                    ? new InetSocketAddress(inet.getHostString(), inet.getPort())
                    : address;
            if (target instanceof InetSocketAddress inet && inet.isUnresolved()) {
                throw new ClamdUnavailableException("cannot resolve clamd's host " + inet.getHostString());
            }
            channel = target instanceof UnixDomainSocketAddress
                    ? SocketChannel.open(StandardProtocolFamily.UNIX)
                    : SocketChannel.open();
            channel.configureBlocking(false);
            selector = Selector.open();
            SelectionKey key = channel.register(selector, 0);
            Connection connection = new Connection(channel, selector, key);
            if (!channel.connect(target)) {
                if (!connection.await(SelectionKey.OP_CONNECT, deadline(properties.connectTimeout()))) {
                    throw new ClamdUnavailableException("clamd at " + name + " did not accept a connection within "
                            + describe(properties.connectTimeout()));
                }
                channel.finishConnect();
            }
            return connection;
        } catch (IOException e) {
            closeQuietly(selector);
            closeQuietly(channel);
            if (e instanceof ClamdUnavailableException unavailable) {
                throw unavailable;
            }
            throw new ClamdUnavailableException("cannot connect to clamd at " + name + ": " + e.getMessage(), e);
        }
    }

    private static long deadline(Duration timeout) {
        return System.nanoTime() + timeout.toNanos();
    }

    private static void closeQuietly(Closeable closeable) {
        if (closeable != null) {
            try {
                closeable.close();
            } catch (IOException ignored) {
                // Nothing was promised over this connection any more.
            }
        }
    }

    /** One conversation with clamd on a non-blocking channel, so that every wait has a deadline. */
    private final class Connection implements AutoCloseable {

        private final SocketChannel channel;
        private final Selector selector;
        private final SelectionKey key;
        private final ByteBuffer reply = ByteBuffer.allocate(MAX_REPLY);
        private boolean ended;
        /** Why sending stopped early, when clamd closed the connection or failed it. */
        private IOException sendFailure;

        Connection(SocketChannel channel, Selector selector, SelectionKey key) {
            this.channel = channel;
            this.selector = selector;
            this.key = key;
        }

        /**
         * Sends all of {@code buffer}; false when clamd has answered or closed the connection before taking it
         * all, so the caller stops sending and reads the reply.
         */
        boolean send(ByteBuffer buffer) throws ClamdUnavailableException {
            try {
                if (answered()) {
                    return false;
                }
                long deadline = deadline(properties.readTimeout());
                while (buffer.hasRemaining()) {
                    if (channel.write(buffer) > 0) {
                        deadline = deadline(properties.readTimeout());
                        continue;
                    }
                    if (!await(SelectionKey.OP_WRITE | SelectionKey.OP_READ, deadline)) {
                        throw new ClamdUnavailableException("clamd at " + name + " took no more of the stream for "
                                + describe(properties.readTimeout()));
                    }
                    if (key.isReadable() && answered()) {
                        return false;
                    }
                }
                return true;
            } catch (ClamdUnavailableException e) {
                throw e;
            } catch (IOException e) {
                // clamd may have refused the stream and closed the connection while Depot was still writing: its
                // reply can still be read.
                sendFailure = e;
                return false;
            }
        }

        /** Reads without waiting; true once clamd has said something or closed the connection. */
        private boolean answered() throws IOException {
            int read = channel.read(reply);
            if (read < 0) {
                ended = true;
            }
            return read != 0;
        }

        /** clamd's reply, without its terminating NUL. */
        String reply() throws ClamdUnavailableException {
            long deadline = deadline(properties.readTimeout());
            try {
                while (!ended && !terminated()) {
                    if (!reply.hasRemaining()) {
                        throw new ClamdUnavailableException("clamd at " + name + " answered more than " + MAX_REPLY
                                + " bytes without ending its reply: " + quote(text()));
                    }
                    int read = channel.read(reply);
                    if (read < 0) {
                        ended = true;
                    } else if (read == 0 && !await(SelectionKey.OP_READ, deadline)) {
                        throw new ClamdUnavailableException("clamd at " + name + " did not answer within "
                                + describe(properties.readTimeout()));
                    }
                }
            } catch (ClamdUnavailableException e) {
                throw e;
            } catch (IOException e) {
                if (reply.position() == 0) {
                    throw lost(e);
                }
            }
            String text = text();
            if (text.isEmpty()) {
                throw lost(null);
            }
            return text;
        }

        private ClamdUnavailableException lost(IOException readFailure) {
            IOException cause = sendFailure != null ? sendFailure : readFailure;
            String during = sendFailure != null ? " while the stream was being sent" : "";
            String why = cause != null ? ": " + cause.getMessage() : "";
            ClamdUnavailableException e = new ClamdUnavailableException(
                    "clamd at " + name + " closed the connection without an answer" + during + why, cause);
            if (readFailure != null && readFailure != cause) {
                e.addSuppressed(readFailure);
            }
            return e;
        }

        private boolean terminated() {
            for (int i = 0; i < reply.position(); i++) {
                if (reply.get(i) == 0) {
                    return true;
                }
            }
            return false;
        }

        private String text() {
            int end = 0;
            while (end < reply.position() && reply.get(end) != 0) {
                end++;
            }
            return new String(reply.array(), 0, end, StandardCharsets.US_ASCII).strip();
        }

        /** Waits until the channel is ready for one of {@code ops}; false at the deadline. */
        boolean await(int ops, long deadline) throws IOException {
            key.interestOps(ops);
            try {
                while (true) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    // select(0) would wait for ever: wait at least a millisecond.
                    if (selector.select(Math.max(1, Duration.ofNanos(left).toMillis())) > 0) {
                        selector.selectedKeys().clear();
                        return true;
                    }
                }
            } finally {
                if (key.isValid()) {
                    key.interestOps(0);
                }
            }
        }

        @Override
        public void close() {
            closeQuietly(selector);
            closeQuietly(channel);
        }
    }
}
