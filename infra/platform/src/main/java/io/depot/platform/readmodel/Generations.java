package io.depot.platform.readmodel;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import org.bson.Document;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which copy of each read model is live, in MongoDB's {@value #COLLECTION}: one small document per processing group,
 * shared by every instance. Generation 1 is the collections' plain names and the processor named as its group, so a
 * read model that was never rebuilt keeps what it has; generation N after it is {@code <collection>__gN}, written by
 * the processor {@code <group>@gN} with its own token. A switch is one update of the document; instances read it at
 * most {@code pointerTtl} old.
 */
public final class Generations {

    static final String COLLECTION = "projection_generations";
    private static final String SEPARATOR = "@g";

    /**
     * The pointer of one group.
     *
     * @param live          the generation reads use
     * @param building      the generation being built beside it, or null
     * @param buildingSince when that build's collections were ready and its processors could start; null before
     * @param retiring      the generation reads left, still written until {@code retireAt}, or null
     * @param retireAt      when the retiring generation stops being written; it is dropped shortly after
     */
    record Pointer(String group, int live, Integer building, Instant buildingSince, Integer retiring, Instant retireAt) {
    }

    private record Cached(int live, Instant readAt) {
    }

    private final MongoCollection<Document> pointers;
    private final Duration ttl;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    Generations(MongoDatabase database, Duration ttl, Clock clock) {
        this.pointers = database.getCollection(COLLECTION);
        this.ttl = ttl;
        this.clock = clock;
    }

    static String collectionName(String collection, int generation) {
        return generation == 1 ? collection : collection + "__g" + generation;
    }

    static String processorName(String group, int generation) {
        return generation == 1 ? group : group + SEPARATOR + generation;
    }

    /** The processing group a processor works for, whatever generation it writes. */
    public static String groupOf(String processorName) {
        int at = processorName.lastIndexOf(SEPARATOR);
        return at < 0 ? processorName : processorName.substring(0, at);
    }

    static int generationOf(String processorName) {
        int at = processorName.lastIndexOf(SEPARATOR);
        return at < 0 ? 1 : Integer.parseInt(processorName.substring(at + SEPARATOR.length()));
    }

    /** The generation reads use, as this instance last read it (at most {@code pointerTtl} ago). */
    int live(String group) {
        Instant now = clock.instant();
        Cached cached = cache.get(group);
        if (cached == null || !cached.readAt().plus(ttl).isAfter(now)) {
            cached = new Cached(pointer(group).live(), now);
            cache.put(group, cached);
        }
        return cached.live();
    }

    /** The group's pointer as stored now; generation 1 for a group never rebuilt. */
    Pointer pointer(String group) {
        return Optional.ofNullable(pointers.find(Filters.eq("_id", group)).first())
                .map(d -> new Pointer(group, d.getInteger("live", 1), d.getInteger("building"), instant(d, "building_since"),
                        d.getInteger("retiring"), instant(d, "retire_at")))
                .orElse(new Pointer(group, 1, null, null, null, null));
    }

    /** Generation {@code building} has its collections and indexes: processors may start writing it. */
    void ready(String group, int building) {
        pointers.updateOne(Filters.and(Filters.eq("_id", group), Filters.eq("building", building)),
                Updates.set("building_since", Date.from(clock.instant())));
    }

    /** Reserves generation live + 1 (not ready until {@link #ready}), unless a rebuild of the group is still building or retiring. */
    Optional<Pointer> startBuilding(String group) {
        pointers.updateOne(Filters.eq("_id", group), Updates.setOnInsert("live", 1), new UpdateOptions().upsert(true));
        Pointer current = pointer(group);
        if (current.building() != null || current.retiring() != null) {
            return Optional.empty();
        }
        long changed = pointers.updateOne(Filters.and(Filters.eq("_id", group), Filters.eq("live", current.live()),
                        Filters.eq("building", null), Filters.eq("retiring", null)),
                Updates.set("building", current.live() + 1)).getModifiedCount();
        return changed == 1 ? Optional.of(pointer(group)) : Optional.empty();
    }

    /** Reads move to the generation built; the one they leave is written until {@code retireAt}. Once only. */
    boolean switchTo(String group, int building, Instant retireAt) {
        Pointer current = pointer(group);
        boolean switched = pointers.updateOne(Filters.and(Filters.eq("_id", group), Filters.eq("building", building)),
                Updates.combine(Updates.set("live", building), Updates.set("building", null),
                        Updates.set("building_since", null), Updates.set("retiring", current.live()),
                        Updates.set("retire_at", Date.from(retireAt)))).getModifiedCount() == 1;
        // This instance moves at once; the others within pointerTtl.
        cache.remove(group);
        return switched;
    }

    /** The retiring generation is gone. Once only. */
    boolean retired(String group, int retiring) {
        return pointers.updateOne(Filters.and(Filters.eq("_id", group), Filters.eq("retiring", retiring)),
                Updates.combine(Updates.set("retiring", null), Updates.set("retire_at", null))).getModifiedCount() == 1;
    }

    /** Every group with a pointer: those that were ever rebuilt. */
    Iterable<String> groups() {
        return pointers.find().map(d -> d.getString("_id"));
    }

    private static Instant instant(Document document, String field) {
        Date date = document.getDate(field);
        return date == null ? null : date.toInstant();
    }
}
