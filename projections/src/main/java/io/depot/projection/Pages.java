package io.depot.projection;

import com.mongodb.client.FindIterable;
import org.bson.Document;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Paging of sorted read-model queries: one document more than a page is read, to learn whether another follows. */
public final class Pages {

    private Pages() {
    }

    /** One page of items, and the number of the next page or null on the last one. */
    public record Slice<T>(List<T> items, Integer nextPage) {
    }

    public static <T> Slice<T> read(FindIterable<Document> sorted, int page, int size, Function<Document, T> view) {
        List<T> items = new ArrayList<>(size + 1);
        sorted.skip(Math.toIntExact((long) page * size)).limit(size + 1).forEach(d -> items.add(view.apply(d)));
        if (items.size() <= size) {
            return new Slice<>(items, null);
        }
        items.remove(size);
        return new Slice<>(items, page + 1);
    }
}
