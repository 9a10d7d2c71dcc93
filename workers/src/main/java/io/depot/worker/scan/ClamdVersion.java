package io.depot.worker.scan;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * clamd's {@code VERSION} answer: {@code ClamAV 1.0.9/27500/Sun Nov 29 09:00:00 2026}, or only
 * {@code ClamAV 1.4.6} when clamd runs on local signature files without the official databases.
 *
 * @param engine          ClamAV's version, e.g. {@code 1.0.9}
 * @param databaseVersion the version of the official signature databases, e.g. {@code 27500}, if loaded
 * @param databaseDate    when those databases were built, as clamd prints it (its local time, no zone)
 */
public record ClamdVersion(String engine, OptionalLong databaseVersion, Optional<String> databaseDate) {

    private static final String PREFIX = "ClamAV ";

    /** Reads a {@code VERSION} reply; empty when it is not one. */
    static Optional<ClamdVersion> parse(String reply) {
        if (!reply.startsWith(PREFIX)) {
            return Optional.empty();
        }
        String[] parts = reply.substring(PREFIX.length()).split("/", 3);
        String engine = parts[0].trim();
        if (engine.isEmpty()) {
            return Optional.empty();
        }
        if (parts.length == 1) {
            return Optional.of(new ClamdVersion(engine, OptionalLong.empty(), Optional.empty()));
        }
        long database;
        try {
            database = Long.parseLong(parts[1].trim());
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        Optional<String> date = parts.length == 3 && !parts[2].isBlank() ? Optional.of(parts[2].trim()) : Optional.empty();
        return Optional.of(new ClamdVersion(engine, OptionalLong.of(database), date));
    }
}
