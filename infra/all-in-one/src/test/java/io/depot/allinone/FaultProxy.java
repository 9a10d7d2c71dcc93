package io.depot.allinone;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP proxy that a test controls, standing between Depot (or a client) and a real server:
 * it passes bytes through untouched, cuts a share of connections in the middle of a request, or plays
 * dead (every connection dropped at once) until it is told to come back.
 */
final class FaultProxy implements AutoCloseable {

    private final ServerSocket server;
    private final int targetPort;
    private final Random random;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger cut = new AtomicInteger();
    private volatile boolean down;
    private volatile double cutProbability;

    FaultProxy(int targetPort, long seed) throws IOException {
        this.targetPort = targetPort;
        this.random = new Random(seed);
        this.server = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "fault-proxy-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** From now on, each new connection is cut after a random part of its request with this probability. */
    void cutConnections(double probability) {
        cutProbability = probability;
    }

    /** How many connections were cut so far. */
    int cutCount() {
        return cut.get();
    }

    /** Drops every open connection and refuses new ones until {@link #up()}. */
    void down() {
        down = true;
        Set.copyOf(open).forEach(this::reset);
    }

    void up() {
        down = false;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                if (down) {
                    reset(client);
                    continue;
                }
                Socket upstream = new Socket();
                upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5_000);
                long cutAfter;
                synchronized (random) {
                    cutAfter = random.nextDouble() < cutProbability ? 1 + random.nextInt(2 * 1024 * 1024) : -1;
                }
                open.add(client);
                open.add(upstream);
                pump(client, upstream, cutAfter);
                pump(upstream, client, -1);
            } catch (IOException e) {
                if (server.isClosed()) {
                    return;
                }
            }
        }
    }

    private void pump(Socket from, Socket to, long cutAfter) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[64 * 1024];
            long sent = 0;
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (cutAfter >= 0 && sent + n >= cutAfter) {
                        cut.incrementAndGet();
                        reset(from);
                        reset(to);
                        return;
                    }
                    out.write(buffer, 0, n);
                    sent += n;
                }
            } catch (IOException ignored) {
                // the other side went away; closing both ends below
            } finally {
                close(from);
                close(to);
            }
        }, "fault-proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    private void reset(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException ignored) {
            // already closed
        }
        close(socket);
    }

    private void close(Socket socket) {
        open.remove(socket);
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        Set.copyOf(open).forEach(this::close);
    }
}
