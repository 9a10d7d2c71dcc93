package io.depot.platform.metrics;

import io.depot.file.FileDownloadedEvent;
import io.depot.file.FileInfectedEvent;
import io.depot.file.FileScanSkippedEvent;
import io.depot.file.FileScannedEvent;
import io.depot.upload.AbortReason;
import io.depot.upload.UploadAbortedEvent;
import io.depot.upload.UploadCompletedEvent;
import io.depot.upload.UploadInitiatedEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.axonframework.messaging.Message;
import org.axonframework.monitoring.MessageMonitor;
import org.axonframework.monitoring.NoOpMessageMonitorCallback;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * Counts what Depot's events record, as the event store of the instance that appends them stores them: the callback
 * reports success only once the events' unit of work committed. Counting here rather than in an event handler means
 * one count per event whichever instance appended it (handlers run in every instance, or again in a replay), and
 * rather than in the use cases it covers every path to an outcome: a saga's expiry, a complete that ends in an abort,
 * a download through a share link. Every counter exists from the start, at zero, so a rate over it is never empty.
 */
final class EventMeters implements MessageMonitor<Message<?>> {

    private final Counter started;
    private final Counter completed;
    private final Counter expired;
    private final Map<AbortReason, Counter> aborted = new EnumMap<>(AbortReason.class);
    private final Map<String, Counter> downloads;
    private final Map<Class<?>, Counter> verdicts;

    EventMeters(MeterRegistry meters) {
        started = Counter.builder("depot.uploads.started").description("Upload sessions initiated").register(meters);
        completed = Counter.builder("depot.uploads.completed")
                .description("Upload sessions completed into a file version").register(meters);
        expired = Counter.builder("depot.uploads.expired")
                .description("Upload sessions that passed their deadline unfinished").register(meters);
        for (AbortReason reason : AbortReason.values()) {
            if (reason != AbortReason.EXPIRED) {
                aborted.put(reason, Counter.builder("depot.uploads.aborted")
                        .description("Upload sessions that ended without a file, other than by expiry")
                        .tag("reason", reason.name().toLowerCase(Locale.ROOT)).register(meters));
            }
        }
        downloads = Map.of(
                "user", downloadUrls(meters, "user"),
                "anonymous", downloadUrls(meters, "anonymous"),
                "share", downloadUrls(meters, "share"));
        verdicts = Map.of(
                FileScannedEvent.class, verdicts(meters, "clean"),
                FileInfectedEvent.class, verdicts(meters, "infected"),
                FileScanSkippedEvent.class, verdicts(meters, "skipped"));
    }

    private static Counter downloadUrls(MeterRegistry meters, String via) {
        return Counter.builder("depot.download.urls.issued")
                .description("Download URLs handed out (each one recorded as a FileDownloaded event), by who asked: "
                        + "a user, an anonymous caller of a public file, or a share link")
                .tag("via", via).register(meters);
    }

    private static Counter verdicts(MeterRegistry meters, String verdict) {
        return Counter.builder("depot.scan.verdicts")
                .description("Malware scans recorded, by verdict").tag("verdict", verdict).register(meters);
    }

    @Override
    public MonitorCallback onMessageIngested(Message<?> message) {
        Counter counter = counterFor(message.getPayload());
        if (counter == null) {
            return NoOpMessageMonitorCallback.INSTANCE;
        }
        return new MonitorCallback() {
            @Override
            public void reportSuccess() {
                counter.increment();
            }

            @Override
            public void reportFailure(Throwable cause) {
            }

            @Override
            public void reportIgnored() {
            }
        };
    }

    private Counter counterFor(Object payload) {
        if (payload instanceof UploadInitiatedEvent) {
            return started;
        }
        if (payload instanceof UploadCompletedEvent) {
            return completed;
        }
        if (payload instanceof UploadAbortedEvent aborted) {
            return aborted.reason() == AbortReason.EXPIRED ? expired
                    : this.aborted.get(aborted.reason() == null ? AbortReason.CLIENT_ABORTED : aborted.reason());
        }
        if (payload instanceof FileDownloadedEvent download) {
            String via = download.shareId() != null ? "share" : download.userId() != null ? "user" : "anonymous";
            return downloads.get(via);
        }
        return payload == null ? null : verdicts.get(payload.getClass());
    }
}
