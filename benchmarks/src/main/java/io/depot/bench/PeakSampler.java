package io.depot.bench;

import java.util.function.DoubleSupplier;

/** The largest value of a figure (a process's heap or RSS) sampled on a thread of its own until it is closed. */
final class PeakSampler implements AutoCloseable {

    private final Thread thread;
    private volatile boolean sampling = true;
    private volatile double peak;

    private PeakSampler(long intervalMillis, DoubleSupplier figure) {
        peak = figure.getAsDouble();
        thread = new Thread(() -> {
            while (sampling) {
                peak = Math.max(peak, figure.getAsDouble());
                try {
                    Thread.sleep(intervalMillis);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "peak-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    /** Starts sampling {@code figure} every {@code intervalMillis}. */
    static PeakSampler every(long intervalMillis, DoubleSupplier figure) {
        return new PeakSampler(intervalMillis, figure);
    }

    /** The largest value sampled so far. */
    double peak() {
        return peak;
    }

    /** Stops sampling, once the sample under way is taken. */
    @Override
    public void close() throws InterruptedException {
        sampling = false;
        thread.join();
    }
}
