package io.depot.file;

/** The owner's file {@code fileId} now holds the name {@code filename}. */
public record FileNameClaimedEvent(String nameId, String ownerId, String filename, String fileId) {
}
