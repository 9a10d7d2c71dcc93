package io.depot.file;

/** The file {@code fileId} gave up the name; the next upload of it makes a new file. */
public record FileNameReleasedEvent(String nameId, String fileId) {
}
