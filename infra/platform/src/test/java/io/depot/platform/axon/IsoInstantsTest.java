package io.depot.platform.axon;

import org.axonframework.common.DateTimeUtils;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class IsoInstantsTest {

    @Test
    void readsWhatInstantWritesAsAxonReadsIt() {
        SplittableRandom random = new SplittableRandom(19);
        long min = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
        long max = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
        for (int i = 0; i < 200_000; i++) {
            int nanos = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant instant = Instant.ofEpochSecond(random.nextLong(min, max + 1), nanos);
            String text = instant.toString();
            assertThat(IsoInstants.parse(text)).as(text).isEqualTo(instant).isEqualTo(DateTimeUtils.parseInstant(text));
            // Axon's timestamp column, in milliseconds.
            String axons = DateTimeUtils.formatInstant(instant);
            assertThat(IsoInstants.parse(axons)).as(axons).isEqualTo(DateTimeUtils.parseInstant(axons));
        }
    }

    @Test
    void readsEveryFractionLength() {
        String fraction = "123456789";
        for (int digits = 1; digits <= 9; digits++) {
            String text = "2026-11-30T08:42:07." + fraction.substring(0, digits) + "Z";
            assertThat(IsoInstants.parse(text)).as(text).isEqualTo(DateTimeUtils.parseInstant(text));
        }
        assertThat(IsoInstants.parse("2024-02-29T23:59:59Z")).isEqualTo(Instant.parse("2024-02-29T23:59:59Z"));
    }

    @Test
    void leavesEveryOtherShapeToTheFormatter() {
        for (String text : new String[]{"2026-11-30T08:42:07+01:00", "2026-11-30T08:42Z", "2026-11-30T08:42:07.Z",
                "2026-11-30T08:42:07.1234567890Z", "+12026-11-30T08:42:07Z", "2026-11-30 08:42:07Z",
                "2026-02-29T08:42:07Z", "2026-04-31T08:42:07Z", "2026-13-01T08:42:07Z", "2026-11-30T24:00:00Z",
                "2026-11-30T08:60:07Z", "2026-11-30T08:42:60Z", "2026-11-3OT08:42:07Z", "2026-11-30T08:42:07z",
                "2026-11-30T08:42:07.12a4Z", "", "2026-11-30"}) {
            assertThat(IsoInstants.parse(text)).as(text).isNull();
        }
    }
}
