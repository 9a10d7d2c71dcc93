package io.depot.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Rows of JSON objects as aligned columns, each column a heading and how to print it. */
final class Table {

    record Column(String heading, Function<JsonNode, String> value) {
        static Column field(String heading, String field) {
            return new Column(heading, row -> row.hasNonNull(field) ? row.get(field).asText() : "-");
        }
    }

    private Table() {
    }

    static void print(PrintStream out, List<Column> columns, Iterable<JsonNode> rows) {
        List<String[]> lines = new ArrayList<>();
        lines.add(columns.stream().map(Column::heading).toArray(String[]::new));
        rows.forEach(row -> lines.add(columns.stream().map(c -> c.value().apply(row)).toArray(String[]::new)));
        int[] widths = new int[columns.size()];
        for (String[] line : lines) {
            for (int i = 0; i < line.length; i++) {
                widths[i] = Math.max(widths[i], line[i].length());
            }
        }
        for (String[] line : lines) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < line.length; i++) {
                text.append(i == line.length - 1 ? line[i] : String.format("%-" + widths[i] + "s  ", line[i]));
            }
            out.println(text.toString().stripTrailing());
        }
    }

    static Column size(String field) {
        return new Column("SIZE", row -> row.hasNonNull(field) ? Units.bytes(row.get(field).asLong()) : "-");
    }
}
