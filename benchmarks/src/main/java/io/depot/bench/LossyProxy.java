package io.depot.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback TCP proxy in front of storage that cuts a share of connections at a random point of the request,
 * as a flaky mobile network would, and counts every request byte it passed on, cut or not.
 */
final class LossyProxy implements AutoCloseable {

    private final ServerSocket server;
    private final int targetPort;
    private final Random random = new Random(7);
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicLong forwardedInCut = new AtomicLong();
    private volatile double cutProbability;
    private volatile long cutWithin = 1;

    LossyProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "lossy-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** Each new connection is cut with {@code probability}, after a uniformly random number of its first {@code within} bytes. */
    void cut(double probability, long within) {
        this.cutProbability = probability;
        this.cutWithin = within;
    }

    long forwardedBytes() {
        return forwarded.get();
    }

    /** Of {@link #forwardedBytes()}, those of the connections it cut. */
    long forwardedInCutBytes() {
        return forwardedInCut.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket();
                try {
                    upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5_000);
                } catch (IOException refused) {
                    // Nothing listens behind the proxy: the client is told at once rather than left waiting.
                    reset(client);
                    close(upstream);
                    continue;
                }
                long cutAfter;
                synchronized (random) {
                    cutAfter = random.nextDouble() < cutProbability ? 1 + (long) (random.nextDouble() * cutWithin) : -1;
                }
                pump(client, upstream, cutAfter, true);
                pump(upstream, client, -1, false);
            } catch (IOException e) {
                if (server.isClosed()) {
                    return;
                }
            }
        }
    }

    private void pump(Socket from, Socket to, long cutAfter, boolean count) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[256 * 1024];
            long sent = 0;
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (cutAfter >= 0 && sent + n >= cutAfter) {
                        int part = (int) (cutAfter - sent);
                        out.write(buffer, 0, part);
                        if (count) {
                            forwarded.addAndGet(part);
                            forwardedInCut.addAndGet(sent + part);
                        }
                        reset(from);
                        reset(to);
                        return;
                    }
                    out.write(buffer, 0, n);
                    sent += n;
                    if (count) {
                        forwarded.addAndGet(n);
                    }
                }
            } catch (IOException ignored) {
                // one side went away
            } finally {
                close(from);
                close(to);
            }
        }, "lossy-proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    private static void reset(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException ignored) {
            // closed already
        }
        close(socket);
    }

    private static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closed already
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
