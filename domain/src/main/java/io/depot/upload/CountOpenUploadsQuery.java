package io.depot.upload;

/** Asks how many upload sessions a user has open; answered with a {@link Long}. */
public record CountOpenUploadsQuery(String ownerId) {
}
