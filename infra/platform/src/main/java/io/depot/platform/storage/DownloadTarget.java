package io.depot.platform.storage;

/**
 * The object a download URL serves, and how the client should save it.
 *
 * @param objectKey   the object's key in the bucket
 * @param filename    the name the client saves it under (the URL's {@code Content-Disposition: attachment})
 * @param contentType the {@code Content-Type} the download is served with
 * @param publicFile  whether anyone may download the file: with {@code depot.cdn.public-urls: unsigned} such a file
 *                    gets a plain CDN URL
 */
public record DownloadTarget(String objectKey, String filename, String contentType, boolean publicFile) {
}
