package io.depot.worker.verify;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class VersionVerifierTest {

    @Test
    void theReadOfAWholeObjectIsWaitedForLongerTheLargerTheObject() {
        assertThat(VersionVerifier.readLimit(0)).isEqualTo(Duration.ofMinutes(5));
        // 50 GiB read at 2 MiB/s takes seven hours: verified, not cut off after a fixed five minutes.
        long fiftyGiB = 50L << 30;
        Duration atTwoMiBPerSecond = Duration.ofSeconds(fiftyGiB / (2 << 20));
        assertThat(VersionVerifier.readLimit(fiftyGiB)).isGreaterThan(atTwoMiBPerSecond);
        assertThat(VersionVerifier.readLimit(fiftyGiB)).isLessThan(Duration.ofDays(1));
    }
}
