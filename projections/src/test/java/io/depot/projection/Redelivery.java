package io.depot.projection;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Sorts;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.depot.platform.MongoStandInVersion;
import org.axonframework.eventhandling.AnnotationEventHandlerAdapter;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.ResultMessage;
import org.axonframework.messaging.unitofwork.BatchingUnitOfWork;
import org.axonframework.messaging.unitofwork.RollbackConfigurationType;
import org.bson.Document;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks that a projection builds the same read model however Axon delivers its events, against a real
 * MongoDB-compatible server (mongo-java-server). Axon keeps the events of one aggregate in their order (as its
 * sequencing policy does, an event of no aggregate is a sequence of its own); across aggregates a tracking processor
 * can see them in another order than the event store committed them in (a transaction that took a lower global index
 * commits after one with a higher index, or the segments of one processor run apart). Each event can also come
 * twice: a batch whose handlers ran is retried when its token was not stored, and a replay runs every handler again.
 *
 * <p>The reference is one delivery in the order committed. Every other delivery must leave the same documents in
 * every collection:
 * <ul>
 *   <li>each event twice in a row;</li>
 *   <li>events up to {@code m} handled, then {@code k} to {@code m} again and on to the end, for every {@code k}
 *   and an {@code m} one batch further or at the end (a batch retried, or the last one);</li>
 *   <li>the aggregates one after the other, last first, and round robin, each event twice.</li>
 * </ul>
 */
public final class Redelivery implements AutoCloseable {

    /** Events a batch of a projection's processor holds in these deliveries: small, so batches split every order. */
    private static final int BATCH = 3;

    private static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");

    private final MongoServer server;
    private final MongoClient client;

    public Redelivery() {
        MemoryBackend backend = new MemoryBackend();
        backend.version(MongoStandInVersion.MONGO_4_2);
        server = new MongoServer(backend);
        server.bind("127.0.0.1", 0);
        client = MongoClients.create("mongodb://127.0.0.1:" + server.getLocalAddress().getPort());
    }

    /**
     * Asserts that {@code projection}, made anew on an empty database for each delivery, ends with the same read model
     * for every delivery of the events {@code committed} (in that order); returns that read model: each collection's
     * documents by id.
     */
    public Map<String, List<Document>> assertSameReadModel(Function<MongoDatabase, Object> projection,
                                                           List<EventMessage<?>> committed) {
        Map<String, List<EventMessage<?>>> deliveries = deliveries(committed);
        Map<String, List<Document>> reference = null;
        for (Map.Entry<String, List<EventMessage<?>>> delivery : deliveries.entrySet()) {
            Map<String, List<Document>> readModel = readModel(projection, delivery.getValue());
            if (reference == null) {
                reference = readModel;
                assertThat(reference.values()).as("the reference delivery builds something").anyMatch(c -> !c.isEmpty());
            } else {
                assertThat(readModel).as(delivery.getKey()).isEqualTo(reference);
            }
        }
        return reference;
    }

    /** A fresh database with {@code projection} fed {@code events} in batches, as a tracking processor feeds it. */
    public MongoDatabase deliver(Function<MongoDatabase, Object> projection, List<EventMessage<?>> events) {
        MongoDatabase database = client.getDatabase("readmodels_" + UUID.randomUUID().toString().replace("-", ""));
        AnnotationEventHandlerAdapter handlers = new AnnotationEventHandlerAdapter(projection.apply(database));
        for (int from = 0; from < events.size(); from += BATCH) {
            BatchingUnitOfWork<EventMessage<?>> batch =
                    new BatchingUnitOfWork<>(events.subList(from, Math.min(events.size(), from + BATCH)));
            ResultMessage<?> result = batch.executeWithResult(() -> handlers.handle(batch.getMessage()),
                    RollbackConfigurationType.ANY_THROWABLE);
            if (result.isExceptional()) {
                throw new AssertionError("a batch failed", result.exceptionResult());
            }
        }
        return database;
    }

    private Map<String, List<Document>> readModel(Function<MongoDatabase, Object> projection,
                                                  List<EventMessage<?>> events) {
        MongoDatabase database = deliver(projection, events);
        Map<String, List<Document>> collections = new TreeMap<>();
        for (String name : database.listCollectionNames()) {
            collections.put(name, database.getCollection(name).find().sort(Sorts.ascending("_id"))
                    .into(new ArrayList<>()));
        }
        database.drop();
        return collections;
    }

    private static Map<String, List<EventMessage<?>>> deliveries(List<EventMessage<?>> inOrder) {
        Map<String, List<EventMessage<?>>> deliveries = new LinkedHashMap<>();
        deliveries.put("in order, once", inOrder);
        deliveries.put("each event twice in a row", twice(inOrder));
        int n = inOrder.size();
        for (int k = 0; k < n; k++) {
            for (int m : new TreeSet<>(List.of(Math.min(n, k + BATCH), n))) {
                List<EventMessage<?>> retried = new ArrayList<>(inOrder.subList(0, m));
                retried.addAll(inOrder.subList(k, n));
                deliveries.put("events " + k + " to " + (m - 1) + " handled, then retried", retried);
            }
        }
        List<List<EventMessage<?>>> streams = List.copyOf(inOrder.stream().collect(Collectors.groupingBy(
                Redelivery::sequence, LinkedHashMap::new, Collectors.toList())).values());
        List<List<EventMessage<?>>> lastFirst = new ArrayList<>(streams);
        Collections.reverse(lastFirst);
        deliveries.put("aggregates last first, each event twice", twice(lastFirst.stream().flatMap(List::stream).toList()));
        deliveries.put("aggregates round robin, each event twice", twice(roundRobin(streams)));
        return deliveries;
    }

    private static String sequence(EventMessage<?> event) {
        return event instanceof DomainEventMessage<?> domain ? domain.getAggregateIdentifier() : event.getIdentifier();
    }

    private static List<EventMessage<?>> twice(List<EventMessage<?>> events) {
        List<EventMessage<?>> twice = new ArrayList<>();
        events.forEach(e -> twice.addAll(List.of(e, e)));
        return twice;
    }

    private static List<EventMessage<?>> roundRobin(List<List<EventMessage<?>>> streams) {
        List<EventMessage<?>> events = new ArrayList<>();
        int longest = streams.stream().mapToInt(List::size).max().orElse(0);
        for (int i = 0; i < longest; i++) {
            for (List<EventMessage<?>> stream : streams) {
                if (i < stream.size()) {
                    events.add(stream.get(i));
                }
            }
        }
        return events;
    }

    /** A moment on the tests' timeline: {@code minute} minutes after the first event. */
    public static Instant minute(int minute) {
        return T0.plusSeconds(60L * minute);
    }

    @Override
    public void close() {
        client.close();
        server.shutdownNow();
    }
}
