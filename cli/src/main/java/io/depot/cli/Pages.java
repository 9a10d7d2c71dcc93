package io.depot.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/** Every item of a paged listing ({@code items}, {@code next_page}). */
final class Pages {

    private static final int PAGE_SIZE = 100;

    private Pages() {
    }

    static List<JsonNode> all(Client client, String path) {
        List<JsonNode> items = new ArrayList<>();
        String separator = path.contains("?") ? "&" : "?";
        for (int page = 0; ; ) {
            JsonNode answer = client.get(path + separator + "page=" + page + "&size=" + PAGE_SIZE);
            answer.path("items").forEach(items::add);
            JsonNode next = answer.path("next_page");
            if (next.isMissingNode() || next.isNull() || answer.path("items").isEmpty()) {
                return items;
            }
            page = next.asInt();
        }
    }
}
