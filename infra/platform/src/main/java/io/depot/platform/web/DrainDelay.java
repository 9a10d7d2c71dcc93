package io.depot.platform.web;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import java.time.Duration;

/**
 * The first step of a graceful stop. When the context starts closing, Spring Boot turns the readiness probe to
 * refusing; the web server would then close its listener at once, and a load balancer that has not yet seen the
 * probe fail would send the next requests to a closed port. This waits {@code depot.web.drain-delay} first, taking
 * requests as before, so the balancer moves them elsewhere; then the web server stops accepting and lets the
 * requests in flight finish ({@code spring.lifecycle.timeout-per-shutdown-phase}), and only after that do Axon's
 * processors stop and release their segments.
 */
final class DrainDelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DrainDelay.class);

    private final Duration delay;
    private volatile boolean running;

    DrainDelay(Duration delay) {
        this.delay = delay;
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        if (delay.isZero() || delay.isNegative()) {
            return;
        }
        log.info("stopping: readiness refuses traffic; taking requests for {} more while the load balancer notices", delay);
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops before everything else, the web server's graceful shutdown included. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }
}
