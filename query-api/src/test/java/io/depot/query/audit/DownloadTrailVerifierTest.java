package io.depot.query.audit;

import io.depot.audit.CountDownloadsQuery;
import io.depot.audit.DownloadRecord;
import io.depot.audit.FindDownloadsByIdQuery;
import io.depot.file.DownloadAnchor;
import io.depot.file.DownloadChain;
import io.depot.file.FileDownloadedEvent;
import io.depot.platform.trail.TrailReader;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.inmemory.InMemoryEventStorageEngine;
import org.axonframework.messaging.MetaData;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.queryhandling.DefaultQueryGateway;
import org.axonframework.queryhandling.QueryMessage;
import org.axonframework.queryhandling.SimpleQueryBus;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The verifier on hand-made trails: two writers' chains, the second's first link naming the first's head, stored
 * whole or with a link or chain taken away, and a read model that agrees with them.
 */
class DownloadTrailVerifierTest {

    private static final Instant T = Instant.parse("2026-11-29T10:00:00Z");
    private static final Instant FROM = Instant.parse("2026-11-29T09:00:00Z");
    private static final Instant TO = Instant.parse("2026-11-29T11:00:00Z");

    /** Chain a: three links; chain b begins after them, naming a's link 3; then a and b go on. */
    private final List<Stored> trail = new ArrayList<>();

    private record Stored(String eventId, Instant at, FileDownloadedEvent download) {
    }

    DownloadTrailVerifierTest() {
        String a3 = chain("a", 3, null, 0);
        chain("b", 2, new DownloadAnchor("a", 3, T.plusSeconds(3)), 10, a3);
        trail.add(link("a", 4, trail.get(2).download().link().hash(), null, 20));
    }

    @Test
    void anUntouchedTrailOfSeveralWritersIsIntact() {
        var verification = verify(trail);

        assertThat(verification.intact()).as(String.valueOf(verification.broken())).isTrue();
        assertThat(verification.checked()).isEqualTo(6);
        assertThat(verification.chains()).isEqualTo(2);
        assertThat(verification.anchorsUnchecked()).isZero();
    }

    @Test
    void anEditedLinkIsNamed() {
        List<Stored> edited = new ArrayList<>(trail);
        Stored second = edited.get(1);
        FileDownloadedEvent d = second.download();
        edited.set(1, new Stored(second.eventId(), second.at(), new FileDownloadedEvent(d.fileId(), d.version(), "mallory",
                d.clientAddress(), d.downloadedAt(), d.shareId(), d.link())));

        var broken = verify(edited).broken();

        assertThat(broken.problem()).isEqualTo("edited");
        assertThat(broken.chainId()).isEqualTo("a");
        assertThat(broken.sequence()).isEqualTo(2);
        assertThat(broken.eventId()).isEqualTo(second.eventId());
    }

    @Test
    void aLinkTakenFromTheMiddleIsCaughtByTheNext() {
        var broken = verify(without(s -> s.eventId().equals("a-2"))).broken();

        assertThat(broken.problem()).isEqualTo("missing-links");
        assertThat(broken.eventId()).isEqualTo("a-3");
        assertThat(broken.detail()).contains("link 2 of the chain is missing");
    }

    @Test
    void aTailTakenFromAChainThatAnotherNamesIsCaught() {
        var broken = verify(without(s -> List.of("a-3", "a-4").contains(s.eventId()))).broken();

        assertThat(broken.problem()).isEqualTo("truncated-chain");
        assertThat(broken.chainId()).isEqualTo("a");
        assertThat(broken.detail()).contains("ends at link 2", "names its link 3");
    }

    @Test
    void aWholeChainThatAnotherNamesIsCaught() {
        var broken = verify(without(s -> s.eventId().startsWith("a-"))).broken();

        assertThat(broken.problem()).isEqualTo("missing-chain");
        assertThat(broken.chainId()).isEqualTo("a");
    }

    @Test
    void aRecordOfTheReadModelNoEventRecordedIsCaught() {
        List<Stored> events = without(s -> s.eventId().equals("a-4"));
        var verification = new DownloadTrailVerifier(reader(events), readModel(trail)).verify(FROM, TO);

        assertThat(verification.broken().problem()).isEqualTo("read-model-extra");
    }

    // ---- a trail as its writers would have stored it ------------------------------------------------------------

    private String chain(String id, int links, DownloadAnchor anchor, int second, String... anchorHash) {
        String previous = anchor == null ? DownloadChain.NO_ANCHOR : anchorHash[0];
        for (int sequence = 1; sequence <= links; sequence++) {
            Stored stored = link(id, sequence, previous, sequence == 1 ? anchor : null, second + sequence);
            trail.add(stored);
            previous = stored.download().link().hash();
        }
        return previous;
    }

    private static Stored link(String chain, long sequence, String previous, DownloadAnchor anchor, int second) {
        Instant at = T.plusSeconds(second);
        var download = new FileDownloadedEvent("f-" + chain, 1, "user-" + sequence, "10.0.0.1", at);
        return new Stored(chain + "-" + sequence, at, DownloadChain.link(download, chain, sequence, previous, anchor));
    }

    private List<Stored> without(Predicate<Stored> removed) {
        return trail.stream().filter(removed.negate()).toList();
    }

    private static DownloadTrailVerifier.Verification verify(List<Stored> events) {
        return new DownloadTrailVerifier(reader(events), readModel(events)).verify(FROM, TO);
    }

    private static TrailReader reader(List<Stored> events) {
        var engine = new InMemoryEventStorageEngine();
        engine.appendEvents(events.stream().map(s -> new GenericEventMessage<>(s.eventId(), s.download(),
                MetaData.emptyInstance(), s.at())).toList());
        return new TrailReader(EmbeddedEventStore.builder().storageEngine(engine).build(), engine);
    }

    /** The audit read model, agreeing with these events. */
    private static DefaultQueryGateway readModel(List<Stored> events) {
        Map<String, DownloadRecord> records = new LinkedHashMap<>();
        for (Stored s : events) {
            FileDownloadedEvent d = s.download();
            records.put(s.eventId(), new DownloadRecord(s.eventId(), d.fileId(), d.version(), d.userId(),
                    d.clientAddress(), d.downloadedAt(), d.shareId(), d.link().chainId(), d.link().sequence(),
                    d.link().previousHash(), d.link().hash()));
        }
        var bus = SimpleQueryBus.builder().build();
        bus.subscribe(FindDownloadsByIdQuery.class.getName(), ResponseTypes.multipleInstancesOf(DownloadRecord.class)
                .getExpectedResponseType(), (QueryMessage<?, ?> m) -> ((FindDownloadsByIdQuery) m.getPayload())
                .eventIds().stream().map(records::get).filter(java.util.Objects::nonNull).toList());
        bus.subscribe(CountDownloadsQuery.class.getName(), Long.class, (QueryMessage<?, ?> m) -> (long) records.size());
        return DefaultQueryGateway.builder().queryBus(bus).build();
    }
}
