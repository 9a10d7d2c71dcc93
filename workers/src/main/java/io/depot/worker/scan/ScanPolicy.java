package io.depot.worker.scan;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What the scanner does with what it cannot clear ({@code depot.scan.*}).
 *
 * @param tooLarge what happens to a version larger than clamd accepts ({@code depot.scan.clamd.max-stream-bytes},
 *                 clamd's {@code StreamMaxLength}): {@code fail} (the default) fails the version and removes its
 *                 object; {@code skip} makes it available with {@code scan: skipped}
 * @param infected what happens to an infected version's object: {@code quarantine} (the default) moves it under
 *                 {@code quarantine/}, where an operator can inspect it; {@code delete} removes it
 */
@ConfigurationProperties("depot.scan")
public record ScanPolicy(@DefaultValue("fail") TooLarge tooLarge, @DefaultValue("quarantine") Infected infected) {

    /** What a version too large to scan becomes. */
    public enum TooLarge { FAIL, SKIP }

    /** Where an infected version's object goes. */
    public enum Infected { QUARANTINE, DELETE }
}
