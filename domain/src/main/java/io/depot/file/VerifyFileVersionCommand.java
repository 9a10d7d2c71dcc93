package io.depot.file;

/**
 * Asks for a new version's stored object to be checked against what the upload declared: present, of the
 * right size, and with a SHA-256 computed by reading it when none is known yet and policy wants one.
 *
 * @param fileId        the file
 * @param version       the version
 * @param objectKey     where the object is
 * @param size          the size it must have
 * @param knownSha256   the SHA-256 already verified at complete, or null
 * @param computeSha256 whether to compute the SHA-256 when none is known
 */
public record VerifyFileVersionCommand(String fileId, long version, String objectKey, long size, String knownSha256,
                                       boolean computeSha256) {
}
