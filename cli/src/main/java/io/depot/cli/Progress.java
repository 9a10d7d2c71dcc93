package io.depot.cli;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes moved so far, shown on stderr: a bar redrawn in place on a terminal (bytes, percent, rate, time left), a
 * plain line every few seconds otherwise. It also paces transfers when a rate limit is set.
 */
final class Progress implements AutoCloseable {

    private static final int WIDTH = 30;

    private final String verb;
    private final long total;
    private final long alreadyDone;
    private final long rateLimit;
    private final boolean terminal;
    private final PrintStream out;
    private final AtomicLong done;
    private final long started = System.nanoTime();
    private final ScheduledExecutorService ticker;

    /** {@code alreadyDone} bytes were moved before this run; the rate counts only this run's. */
    Progress(String verb, long total, long alreadyDone, long rateLimit, boolean terminal, PrintStream out) {
        this.verb = verb;
        this.total = total;
        this.alreadyDone = alreadyDone;
        this.rateLimit = rateLimit;
        this.terminal = terminal;
        this.out = out;
        this.done = new AtomicLong(alreadyDone);
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "progress");
            t.setDaemon(true);
            return t;
        });
        long period = terminal ? 200 : 2000;
        ticker.scheduleAtFixedRate(this::show, terminal ? 0 : period, period, TimeUnit.MILLISECONDS);
    }

    /** Whether stderr is a terminal, as far as Java can tell: a console means stdin and stdout are one. */
    static boolean onTerminal() {
        String forced = System.getenv("DEPOT_PROGRESS");
        if (forced != null) {
            return forced.equals("bar");
        }
        return System.console() != null;
    }

    void add(long bytes) {
        done.addAndGet(bytes);
    }

    long sentThisRun() {
        return done.get() - alreadyDone;
    }

    /** Counts what the stream yields, held back to the rate limit. */
    InputStream counting(InputStream in) {
        return counting(in, new AtomicLong());
    }

    /**
     * A body read anew for each attempt to send it: what an attempt that failed had counted is taken back, so a
     * retried part is not counted twice.
     */
    java.util.function.Supplier<InputStream> resending(java.util.function.Supplier<InputStream> source) {
        AtomicLong counted = new AtomicLong();
        return () -> {
            add(-counted.getAndSet(0));
            return counting(source.get(), counted);
        };
    }

    private InputStream counting(InputStream in, AtomicLong counted) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, rateLimit > 0 ? Math.min(len, 64 * 1024) : len);
                if (n > 0) {
                    add(n);
                    counted.addAndGet(n);
                    pace();
                }
                return n;
            }
        };
    }

    private void pace() {
        if (rateLimit <= 0) {
            return;
        }
        long dueMillis = sentThisRun() * 1000 / rateLimit;
        long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
        if (dueMillis > elapsedMillis) {
            Client.sleep(java.time.Duration.ofMillis(dueMillis - elapsedMillis));
        }
    }

    private synchronized void show() {
        long now = done.get();
        double seconds = Math.max(1e-3, (System.nanoTime() - started) / 1e9);
        double rate = (now - alreadyDone) / seconds;
        int percent = total == 0 ? 100 : (int) (now * 100 / total);
        String left = rate > 0 ? Units.clock((long) ((total - now) / rate)) : "--:--";
        String figures = String.format(Locale.ROOT, "%3d%% %s/%s %s/s %s left", percent, Units.bytes(now),
                Units.bytes(total), Units.bytes((long) rate), left);
        if (terminal) {
            int filled = total == 0 ? WIDTH : (int) (now * WIDTH / total);
            out.print("\r" + verb + " [" + "#".repeat(filled) + "-".repeat(WIDTH - filled) + "] " + figures + "\u001b[K");
        } else {
            out.println(verb + " " + figures);
        }
        out.flush();
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        show();
        if (terminal) {
            out.println();
        }
    }
}
