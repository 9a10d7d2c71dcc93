package io.depot.command.upload;

/** A part as recorded. */
record PartResponse(int partNumber, String etag, long size) {
}
