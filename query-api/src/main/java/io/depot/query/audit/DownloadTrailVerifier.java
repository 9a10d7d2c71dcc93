package io.depot.query.audit;

import io.depot.audit.CountDownloadsQuery;
import io.depot.audit.DownloadRecord;
import io.depot.audit.FindDownloadsByIdQuery;
import io.depot.file.DownloadAnchor;
import io.depot.file.DownloadChain;
import io.depot.file.DownloadLink;
import io.depot.file.FileDownloadedEvent;
import io.depot.platform.axon.Dispatch;
import io.depot.platform.trail.TrailReader;
import io.depot.platform.trail.TrailReader.StoredDownload;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Recomputes the download trail's chains from the event store for a range of downloads, and checks each record of the
 * audit read model in the range against its event. It reads from the start of the range's first UTC day, where every
 * chain with a link in the range begins (a writer starts a new chain each day), and stops a little after the range's
 * end, holding one head per chain, a window of recent links (to check the links new chains name) and a batch of
 * records to compare: never the range.
 */
@Component
class DownloadTrailVerifier {

    /** How long after the range's end a download of the range may still be written (the writer's queue). */
    static final Duration WRITE_DELAY = Duration.ofMinutes(1);
    /** Links remembered by hash for the chains that begin after them; older ones are counted as unchecked. */
    static final int RECENT_LINKS = 100_000;
    static final int READ_MODEL_BATCH = 200;

    private final TrailReader reader;
    private final QueryGateway queries;

    DownloadTrailVerifier(TrailReader reader, QueryGateway queries) {
        this.reader = reader;
        this.queries = queries;
    }

    /** What the verifier found: intact, or the first link that is not. */
    record Verification(boolean intact, long checked, long chains, long unchained, long anchorsUnchecked,
                        Break broken) {
    }

    /**
     * A broken link.
     *
     * @param problem  what is wrong: {@code edited}, {@code missing-links}, {@code repeated-link},
     *                 {@code wrong-previous-hash}, {@code anchor-mismatch}, {@code truncated-chain},
     *                 {@code missing-chain}, {@code read-model-missing}, {@code read-model-differs},
     *                 {@code read-model-extra}
     * @param chainId  the chain, when the problem is in one
     * @param sequence the link's place in it
     * @param eventId  the event, when the problem is one event's
     */
    record Break(String problem, String chainId, Long sequence, String eventId, String detail) {
    }

    /** @param from the first instant of the range, or null for the whole trail; @param to the end, exclusive */
    Verification verify(Instant from, Instant to) {
        return new Run(from, to).run();
    }

    private final class Run {

        private final Instant from;
        private final Instant to;
        private final Instant scanStart;
        private final Map<String, Head> chains = new HashMap<>();
        private final Map<String, String> recent = new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                return size() > RECENT_LINKS;
            }
        };
        private final Map<String, Named> named = new HashMap<>();
        private final List<StoredDownload> batch = new ArrayList<>(READ_MODEL_BATCH);
        private long checked;
        private long unchained;
        private long anchorsUnchecked;
        private Break broken;

        private record Head(long sequence, String hash) {
        }

        /** A link a chain's first link names, and the hash it says that link has. */
        private record Named(DownloadAnchor anchor, String hash, StoredDownload by) {
        }

        Run(Instant from, Instant to) {
            this.from = from;
            this.to = to;
            this.scanStart = from == null ? null : LocalDate.ofInstant(from, ZoneOffset.UTC).atStartOfDay()
                    .toInstant(ZoneOffset.UTC);
        }

        Verification run() {
            Instant stopAfter = to.plus(WRITE_DELAY);
            try (var downloads = reader.since(scanStart)) {
                var each = downloads.iterator();
                while (broken == null && each.hasNext()) {
                    StoredDownload stored = each.next();
                    if (stored.writtenAt().isAfter(stopAfter)) {
                        break;
                    }
                    visit(stored);
                }
            }
            if (broken == null) {
                compareReadModel();
            }
            if (broken == null) {
                checkNamedLinks();
            }
            if (broken == null) {
                countReadModel();
            }
            return new Verification(broken == null, checked, chains.size(), unchained, anchorsUnchecked, broken);
        }

        private void visit(StoredDownload stored) {
            FileDownloadedEvent download = stored.download();
            if (download.link() == null) {
                unchained++;
            } else {
                broken = follow(stored);
            }
            if (broken == null && inRange(download.downloadedAt())) {
                checked++;
                batch.add(stored);
                if (batch.size() == READ_MODEL_BATCH) {
                    compareReadModel();
                }
            }
        }

        private boolean inRange(Instant at) {
            return (from == null || !at.isBefore(from)) && at.isBefore(to);
        }

        /** Checks one link against its own hash and the chain it continues, then makes it the chain's head. */
        private Break follow(StoredDownload stored) {
            DownloadLink link = stored.download().link();
            String chain = link.chainId();
            long sequence = link.sequence();
            if (!DownloadChain.intact(stored.download())) {
                return at(stored, "edited", "the record does not match its hash: a field, or the hash, was changed");
            }
            Head head = chains.get(chain);
            if (head == null && sequence != 1) {
                return at(stored, "missing-links", (sequence > 2 ? "links 1 to " + (sequence - 1) + " of the chain are"
                        : "the chain's first link is") + " missing: a chain begins on the day the reading began or later");
            }
            if (head == null) {
                Break anchor = firstLink(stored, link);
                if (anchor != null) {
                    return anchor;
                }
            } else if (sequence <= head.sequence()) {
                return at(stored, "repeated-link", "link " + sequence + " appears again after link " + head.sequence());
            } else if (sequence > head.sequence() + 1) {
                return at(stored, "missing-links", (sequence - head.sequence() == 2 ? "link " + (sequence - 1)
                        + " of the chain is" : "links " + (head.sequence() + 1) + " to " + (sequence - 1)
                        + " of the chain are") + " missing");
            } else if (!link.previousHash().equals(head.hash())) {
                return at(stored, "wrong-previous-hash", "the link does not follow link " + head.sequence()
                        + " of its chain: one of the two was changed");
            }
            chains.put(chain, new Head(sequence, link.hash()));
            recent.put(key(chain, sequence), link.hash());
            Named naming = named.remove(key(chain, sequence));
            if (naming != null && !naming.hash().equals(link.hash())) {
                return at(naming.by(), "anchor-mismatch", "the chain's first link names link " + sequence
                        + " of chain " + chain + ", which has another hash");
            }
            return null;
        }

        private Break firstLink(StoredDownload stored, DownloadLink link) {
            DownloadAnchor anchor = link.anchor();
            if (anchor == null) {
                return link.previousHash().equals(DownloadChain.NO_ANCHOR) ? null
                        : at(stored, "edited", "the chain's first link names no other link, yet follows a hash");
            }
            String known = recent.get(key(anchor.chainId(), anchor.sequence()));
            if (known == null) {
                named.put(key(anchor.chainId(), anchor.sequence()), new Named(anchor, link.previousHash(), stored));
                return null;
            }
            return known.equals(link.previousHash()) ? null : at(stored, "anchor-mismatch", "the chain's first link "
                    + "names link " + anchor.sequence() + " of chain " + anchor.chainId() + ", which has another hash");
        }

        /** The links first links named that never came by: removed, unless they lie before the reading began. */
        private void checkNamedLinks() {
            for (Named naming : named.values()) {
                DownloadAnchor anchor = naming.anchor();
                Head head = chains.get(anchor.chainId());
                if (head != null && head.sequence() < anchor.sequence()) {
                    broken = new Break("truncated-chain", anchor.chainId(), head.sequence(), null, "the chain ends at "
                            + "link " + head.sequence() + ", but the first link of chain " + naming.by().download()
                            .link().chainId() + " (event " + naming.by().eventId() + ") names its link "
                            + anchor.sequence() + ": links were removed from its end");
                    return;
                }
                boolean beforeReading = scanStart != null && anchor.at().isBefore(scanStart);
                if (head != null || beforeReading) {
                    anchorsUnchecked++; // too far behind to be remembered, or before the reading began
                } else {
                    broken = new Break("missing-chain", anchor.chainId(), anchor.sequence(), null, "the first link of "
                            + "chain " + naming.by().download().link().chainId() + " (event " + naming.by().eventId()
                            + ") names link " + anchor.sequence() + " of this chain, which is not in the event store");
                    return;
                }
            }
        }

        private void compareReadModel() {
            if (batch.isEmpty()) {
                return;
            }
            List<String> ids = batch.stream().map(StoredDownload::eventId).toList();
            Map<String, DownloadRecord> records = Dispatch.query(queries, new FindDownloadsByIdQuery(ids),
                            ResponseTypes.multipleInstancesOf(DownloadRecord.class))
                    .block(Duration.ofSeconds(60)).stream()
                    .collect(Collectors.toMap(DownloadRecord::eventId, Function.identity()));
            for (StoredDownload stored : batch) {
                DownloadRecord record = records.get(stored.eventId());
                List<String> differ = record == null ? List.of() : differences(record, stored.download());
                if (record == null) {
                    broken = at(stored, "read-model-missing", "the audit read model has no record of this download");
                } else if (!differ.isEmpty()) {
                    broken = at(stored, "read-model-differs", "the audit read model's record differs from its event in "
                            + String.join(", ", differ));
                }
                if (broken != null) {
                    break;
                }
            }
            batch.clear();
        }

        private void countReadModel() {
            Long records = Dispatch.query(queries, new CountDownloadsQuery(from, to),
                    ResponseTypes.instanceOf(Long.class)).block(Duration.ofSeconds(60));
            if (records != null && records > checked) {
                broken = new Break("read-model-extra", null, null, null, "the audit read model holds " + records
                        + " records in the range, the event store " + checked + " downloads");
            }
        }

        private Break at(StoredDownload stored, String problem, String detail) {
            DownloadLink link = stored.download().link();
            return new Break(problem, link == null ? null : link.chainId(), link == null ? null : link.sequence(),
                    stored.eventId(), detail);
        }
    }

    /** The fields, by their names in the read model, where a record and its event differ. */
    static List<String> differences(DownloadRecord record, FileDownloadedEvent event) {
        DownloadLink link = event.link();
        List<String> differ = new ArrayList<>();
        compare(differ, "file_id", record.fileId(), event.fileId());
        compare(differ, "version", record.version(), event.version());
        compare(differ, "user_id", record.userId(), event.userId());
        compare(differ, "client_address", record.clientAddress(), event.clientAddress());
        compare(differ, "at", record.downloadedAt(), event.downloadedAt().truncatedTo(ChronoUnit.MILLIS));
        compare(differ, "share_id", record.shareId(), event.shareId());
        compare(differ, "chain_id", record.chainId(), link == null ? null : link.chainId());
        compare(differ, "chain_sequence", record.chainSequence(), link == null ? null : link.sequence());
        compare(differ, "previous_hash", record.previousHash(), link == null ? null : link.previousHash());
        compare(differ, "hash", record.hash(), link == null ? null : link.hash());
        return differ;
    }

    private static void compare(List<String> differ, String name, Object recorded, Object stored) {
        if (!Objects.equals(recorded, stored)) {
            differ.add(name);
        }
    }

    private static String key(String chain, long sequence) {
        return chain + "/" + sequence;
    }
}
