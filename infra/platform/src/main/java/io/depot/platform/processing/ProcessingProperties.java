package io.depot.platform.processing;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;
import java.util.List;

/**
 * How background processing retries and dead-letters ({@code depot.processing}).
 *
 * @param deadLettered         the processing groups with side effects outside their own read model (storage, clamd,
 *                             commands, the scheduler): a failing event is retried {@code attempts} times where it
 *                             failed, then dead-lettered, which holds back only the later events of its sequence
 *                             (its file or upload) while the rest of the group flows on
 * @param attempts             attempts at an event before it is dead-lettered
 * @param attemptBackoff       the pause after the first failed attempt; it doubles with each further one
 * @param retryBackoff         the pause before a dead letter is first retried automatically; it doubles with each
 *                             failed retry, up to {@code maxRetryBackoff}. Dead letters are retried until they succeed
 *                             or an operator evicts them
 * @param maxRetryBackoff      the longest pause between automatic retries of a dead letter
 * @param retryPollInterval    how often the dead letters are checked for a retry that is due
 * @param replayable           the processing groups that may be replayed: projections, whose handlers write only
 *                             their own read model. Any other group refuses a replay
 * @param commandTimeout       how long background work waits for a command it sent
 */
@ConfigurationProperties("depot.processing")
public record ProcessingProperties(
        @DefaultValue({"version-verification", "malware-scan", "object-deletion", "upload-storage-release",
                "upload-allowance-release", "reconcile-repairs", "reconcile-launcher"}) List<String> deadLettered,
        @DefaultValue("3") int attempts,
        @DefaultValue("200ms") Duration attemptBackoff,
        @DefaultValue("5s") Duration retryBackoff,
        @DefaultValue("10m") Duration maxRetryBackoff,
        @DefaultValue("1s") Duration retryPollInterval,
        @DefaultValue({"files", "download-history", "object-records", "reconcile-reports", "upload-sessions"}) List<String> replayable,
        @DefaultValue("2m") Duration commandTimeout) {

    /** The pause before automatic retry number {@code retries + 1} of a dead letter. */
    public Duration retryBackoffAfter(int retries) {
        Duration backoff = retryBackoff;
        for (int i = 0; i < retries && backoff.compareTo(maxRetryBackoff) < 0; i++) {
            backoff = backoff.multipliedBy(2);
        }
        return backoff.compareTo(maxRetryBackoff) > 0 ? maxRetryBackoff : backoff;
    }
}
