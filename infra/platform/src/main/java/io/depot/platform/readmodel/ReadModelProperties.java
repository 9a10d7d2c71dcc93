package io.depot.platform.readmodel;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * How read models are rebuilt beside the live copy ({@code depot.read-models.*}).
 *
 * @param pointerTtl    how long an instance trusts the generation pointer it read: the longest an instance serves the
 *                      old copy after a switch
 * @param switchGrace   how long the old copy keeps being written and kept after the switch, so that every instance has
 *                      moved to the new one before it stops changing; must exceed {@code pointerTtl} by far
 * @param watchInterval how often each instance looks at the pointers: starts the processor of a generation being
 *                      built, switches, retires the old one
 * @param settle        how long a rebuild must keep up with the event store before reads switch to it; also how long
 *                      the switch waits for it to reach the paused live copy before trying again at the next look
 */
@ConfigurationProperties("depot.read-models")
public record ReadModelProperties(
        @DefaultValue("1s") Duration pointerTtl,
        @DefaultValue("5s") Duration switchGrace,
        @DefaultValue("500ms") Duration watchInterval,
        @DefaultValue("1s") Duration settle) {

    public ReadModelProperties {
        if (switchGrace.compareTo(pointerTtl.multipliedBy(3)) < 0) {
            throw new IllegalArgumentException("depot.read-models.switch-grace must be at least three pointer-ttl");
        }
    }
}
