package io.depot.platform.processing;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Malware scanning ({@code depot.scan.*}); where clamd listens is {@code depot.scan.clamd.*}, bound by the workers.
 *
 * @param enabled  whether a malware scanner is configured. When it is, a new version becomes downloadable only after
 *                 a clean scan, and a version without a verdict reads {@code scan: pending}; when it is not (the
 *                 all-in-one default), versions become downloadable once verified and read
 *                 {@code scan: not_configured}. Every service of a deployment must agree on it
 * @param tooLarge what happens to a version larger than clamd accepts ({@code depot.scan.clamd.max-stream-bytes},
 *                 clamd's {@code StreamMaxLength}): {@code fail} (the default) fails the version and removes its
 *                 object; {@code skip} makes it available with {@code scan: skipped}
 * @param infected what happens to an infected version's object: {@code quarantine} (the default) moves it under
 *                 {@code quarantine/}, where an operator can inspect it; {@code delete} removes it
 */
@ConfigurationProperties("depot.scan")
public record ScanProperties(
        @DefaultValue("false") boolean enabled,
        @DefaultValue("fail") TooLarge tooLarge,
        @DefaultValue("quarantine") Infected infected) {

    /** What a version too large to scan becomes. */
    public enum TooLarge { FAIL, SKIP }

    /** Where an infected version's object goes. */
    public enum Infected { QUARANTINE, DELETE }
}
