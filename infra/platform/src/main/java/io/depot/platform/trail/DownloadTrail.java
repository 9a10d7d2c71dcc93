package io.depot.platform.trail;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;
import io.depot.file.DownloadAnchor;
import io.depot.file.DownloadChain;
import io.depot.file.FileDownloadedEvent;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.gateway.EventGateway;
import org.axonframework.messaging.MetaData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Schedulers;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The download trail's writer: appends FileDownloaded events with group commit, each linked into this process's hash
 * chain ({@link DownloadChain}). A download answers only once its event is stored, so no URL is handed out
 * unrecorded; but every download that arrives while one batch is being written joins the next batch, which is
 * appended in one event-store transaction. Under load a transaction carries hundreds of downloads instead of one, and
 * the event processors that follow the store read them in the same batches.
 * <p>
 * One thread writes, so its chain needs no lock, and every process writes a chain of its own, so processes never wait
 * for each other. A chain lasts a UTC day at most (by the time its events are written), so a verifier that starts
 * reading at the beginning of a range's first day meets the first link of every chain in the range. A new chain
 * begins after a failed write too, since a write that failed may still have been stored; its first link names this
 * writer's last stored link, or, for the process's first chain, the newest link written in the last
 * {@code depot.downloads.anchor-lookback}.
 */
public class DownloadTrail implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DownloadTrail.class);

    private final EventGateway events;
    private final TrailReader reader;
    private final Clock clock;
    private final Duration anchorLookback;
    private final BlockingQueue<Pending> queue;
    private final int maxBatch;
    private final DistributionSummary batchSizes;
    private volatile boolean running;
    private Thread writer;

    /** The last link this writer stored, and the chain it is writing now (null: the next batch begins one). */
    private Head stored;
    private Chain chain;

    /** A stored link, as a new chain names it. */
    private record Head(String chainId, long sequence, String hash, Instant at) {
    }

    private record Chain(String id, LocalDate day, Head anchor) {
    }

    public DownloadTrail(EventGateway events, TrailReader reader, Clock clock, MeterRegistry meters,
                         DownloadsProperties properties) {
        this.events = events;
        this.reader = reader;
        this.clock = clock;
        this.anchorLookback = properties.anchorLookback();
        this.maxBatch = properties.maxBatch();
        this.queue = new ArrayBlockingQueue<>(properties.maxPending());
        this.batchSizes = DistributionSummary.builder("depot.downloads.batch.size")
                .description("FileDownloaded events appended in one event-store transaction")
                .register(meters);
    }

    private record Pending(FileDownloadedEvent event, MonoSink<Void> sink) {
    }

    /** Completes once the event is in the event store; fails with 503 when the store is down or too far behind. */
    public Mono<Void> record(FileDownloadedEvent event) {
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
                write(batch);
                batchSizes.record(batch.size());
                batch.forEach(p -> p.sink().success());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                chain = null;
                log.warn("Could not record {} downloads: {}", batch.size(), e.toString());
                DepotException failure = new DepotException(ErrorCode.SERVICE_UNAVAILABLE,
                        "the download could not be recorded; retry shortly");
                batch.forEach(p -> p.sink().error(failure));
            } finally {
                batch.clear();
            }
        }
    }

    /** Links the batch into the chain and appends it; the chain moves on only once the batch is stored. */
    private void write(List<Pending> batch) {
        Instant at = clock.instant().truncatedTo(ChronoUnit.MILLIS); // as the event store keeps it
        LocalDate day = LocalDate.ofInstant(at, ZoneOffset.UTC);
        if (chain == null || !chain.day().equals(day)) {
            chain = new Chain(UUID.randomUUID().toString(), day, stored != null ? stored : newestVisible(at));
        }
        long sequence = stored != null && stored.chainId().equals(chain.id()) ? stored.sequence() : 0;
        String previous = sequence > 0 ? stored.hash() : chain.anchor() == null ? DownloadChain.NO_ANCHOR : chain.anchor().hash();
        List<GenericEventMessage<FileDownloadedEvent>> messages = new ArrayList<>(batch.size());
        for (Pending pending : batch) {
            sequence++;
            DownloadAnchor anchor = sequence == 1 && chain.anchor() != null
                    ? new DownloadAnchor(chain.anchor().chainId(), chain.anchor().sequence(), chain.anchor().at()) : null;
            // Milliseconds, as every read model keeps times: a record can then be checked against its hash alone.
            FileDownloadedEvent download = pending.event();
            download = new FileDownloadedEvent(download.fileId(), download.version(), download.userId(),
                    download.clientAddress(), download.downloadedAt().truncatedTo(ChronoUnit.MILLIS), download.shareId());
            FileDownloadedEvent linked = DownloadChain.link(download, chain.id(), sequence, previous, anchor);
            previous = linked.link().hash();
            messages.add(new GenericEventMessage<>(UUID.randomUUID().toString(), linked, MetaData.emptyInstance(), at));
        }
        events.publish(messages);
        stored = new Head(chain.id(), sequence, previous, at);
    }

    /** The newest link any writer stored lately, for this process's first chain to name. */
    private Head newestVisible(Instant at) {
        try (var downloads = reader.since(at.minus(anchorLookback))) {
            return downloads.filter(d -> d.download().link() != null)
                    .reduce((a, b) -> b)
                    .map(d -> new Head(d.download().link().chainId(), d.download().link().sequence(),
                            d.download().link().hash(), d.writtenAt()))
                    .orElse(null);
        }
    }

    @Override
    public void start() {
        running = true;
        writer = new Thread(this::writeBatches, "download-trail");
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
