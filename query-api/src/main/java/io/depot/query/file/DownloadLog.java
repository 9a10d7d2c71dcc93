package io.depot.query.file;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;
import io.depot.file.FileDownloadedEvent;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import org.axonframework.eventhandling.gateway.EventGateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Schedulers;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Appends FileDownloaded events with group commit. A download answers only once its event is stored, so no URL
 * is handed out unrecorded; but every download that arrives while one batch is being written joins the next
 * batch, which is appended in one event-store transaction. Under load a transaction carries hundreds of
 * downloads instead of one, and the event processors that follow the store read them in the same batches.
 */
@Component
@EnableConfigurationProperties(DownloadsProperties.class)
class DownloadLog implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DownloadLog.class);

    private final EventGateway events;
    private final BlockingQueue<Pending> queue;
    private final int maxBatch;
    private final DistributionSummary batchSizes;
    private volatile boolean running;
    private Thread writer;

    DownloadLog(EventGateway events, MeterRegistry meters, DownloadsProperties properties) {
        this.events = events;
        this.maxBatch = properties.maxBatch();
        this.queue = new ArrayBlockingQueue<>(properties.maxPending());
        this.batchSizes = DistributionSummary.builder("depot.downloads.batch.size")
                .description("FileDownloaded events appended in one event-store transaction")
                .register(meters);
    }

    private record Pending(FileDownloadedEvent event, MonoSink<Void> sink) {
    }

    /** Completes once the event is in the event store; fails with 503 when the store is down or too far behind. */
    Mono<Void> record(FileDownloadedEvent event) {
        return Mono.<Void>create(sink -> {
            if (!running || !queue.offer(new Pending(event, sink))) {
                sink.error(new DepotException(ErrorCode.SERVICE_UNAVAILABLE,
                        "downloads cannot be recorded right now; retry shortly"));
            }
        }).publishOn(Schedulers.parallel()); // answers leave the writer thread, which goes on to the next batch
    }

    private void writeBatches() {
        List<Pending> batch = new ArrayList<>(maxBatch);
        while (running || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                events.publish(batch.stream().map(Pending::event).toList());
                batchSizes.record(batch.size());
                batch.forEach(p -> p.sink().success());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.warn("Could not record {} downloads: {}", batch.size(), e.toString());
                DepotException failure = new DepotException(ErrorCode.SERVICE_UNAVAILABLE,
                        "the download could not be recorded; retry shortly");
                batch.forEach(p -> p.sink().error(failure));
            } finally {
                batch.clear();
            }
        }
    }

    @Override
    public void start() {
        running = true;
        writer = new Thread(this::writeBatches, "download-log");
        writer.setDaemon(true);
        writer.start();
    }

    /** Stops taking downloads, and returns once those already taken are stored. */
    @Override
    public void stop() {
        running = false;
        try {
            writer.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops after the web server has finished its requests in flight, which may still be waiting here. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 4096;
    }
}
