package io.depot.worker.verify;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What happens to a new version after its upload ({@code depot.finalize.*}).
 *
 * @param computeSha256 compute a new version's SHA-256 by reading its object when the client declared none
 */
@ConfigurationProperties("depot.finalize")
public record FinalizeProperties(@DefaultValue("true") boolean computeSha256) {
}
