package io.depot.saga.file;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What a new version must pass before it can be downloaded. ({@code depot.finalize.compute-sha256}, read by
 * the version-verification worker, decides whether a SHA-256 is computed when the client declared none.)
 *
 * @param allowUnscannedDownloads let a verified version be downloaded before a malware scanner cleared it
 *                                (on by default: no scanner runs yet)
 */
@ConfigurationProperties("depot.finalize")
public record FinalizePolicy(@DefaultValue("true") boolean allowUnscannedDownloads) {
}
