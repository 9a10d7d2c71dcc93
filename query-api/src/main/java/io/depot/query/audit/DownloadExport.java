package io.depot.query.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.depot.audit.DownloadRecord;
import io.depot.file.DownloadLink;
import io.depot.file.FileDownloadedEvent;
import io.depot.platform.trail.TrailReader;
import io.depot.platform.trail.TrailReader.StoredDownload;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Every download of a range as it is in the event store, with its place in the chains, as lines of NDJSON or CSV.
 * The lines are read from the store as the client takes them, so a range of any size costs the same memory.
 */
@Component
class DownloadExport {

    static final String CSV_HEADER = "event_id,file_id,version,user_id,client_address,downloaded_at,share_id,"
            + "chain_id,chain_sequence,previous_hash,hash\r\n";

    private final TrailReader reader;
    private final ObjectMapper json;

    DownloadExport(TrailReader reader, ObjectMapper json) {
        this.reader = reader;
        this.json = json;
    }

    /** The downloads at or after {@code from} (all when null) and before {@code to}, one record per line. */
    Flux<String> ndjson(Instant from, Instant to) {
        return records(from, to).map(record -> {
            try {
                return json.writeValueAsString(record) + "\n";
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** As {@link #ndjson}, in RFC 4180 CSV with a header line. */
    Flux<String> csv(Instant from, Instant to) {
        return Flux.concat(Flux.just(CSV_HEADER), records(from, to).map(DownloadExport::csvLine));
    }

    private Flux<DownloadRecord> records(Instant from, Instant to) {
        Instant stopAfter = to.plus(DownloadTrailVerifier.WRITE_DELAY);
        return Flux.fromStream(() -> reader.since(from))
                .takeWhile(stored -> !stored.writtenAt().isAfter(stopAfter))
                .filter(stored -> !stored.download().downloadedAt().isBefore(from == null ? Instant.MIN : from)
                        && stored.download().downloadedAt().isBefore(to))
                .map(DownloadExport::record)
                .subscribeOn(Schedulers.boundedElastic());
    }

    private static DownloadRecord record(StoredDownload stored) {
        FileDownloadedEvent d = stored.download();
        DownloadLink link = d.link();
        return new DownloadRecord(stored.eventId(), d.fileId(), d.version(), d.userId(), d.clientAddress(),
                d.downloadedAt(), d.shareId(), link == null ? null : link.chainId(),
                link == null ? null : link.sequence(), link == null ? null : link.previousHash(),
                link == null ? null : link.hash());
    }

    static String csvLine(DownloadRecord r) {
        return Arrays.stream(new Object[]{r.eventId(), r.fileId(), r.version(), r.userId(), r.clientAddress(),
                        r.downloadedAt(), r.shareId(), r.chainId(), r.chainSequence(), r.previousHash(), r.hash()})
                .map(DownloadExport::csvField)
                .collect(Collectors.joining(",", "", "\r\n"));
    }

    /** Empty for null; quoted, with quotes doubled, when it holds a comma, a quote or a line break. */
    static String csvField(Object value) {
        if (value == null) {
            return "";
        }
        String text = value.toString();
        return text.contains(",") || text.contains("\"") || text.contains("\r") || text.contains("\n")
                ? "\"" + text.replace("\"", "\"\"") + "\"" : text;
    }
}
