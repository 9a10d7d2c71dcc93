package io.depot.platform.axon;

import io.depot.platform.axon.SegmentBalancer.Holding;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class SegmentBalancerTest {

    @Test
    void theFirstInstanceGivesHalfOfItsSegmentsToASecondThatHoldsNone() {
        assertThat(SegmentBalancer.surplus(4, new Holding(4, 0), List.of(new Holding(0, 4)))).isEqualTo(2);
    }

    @Test
    void instancesHoldingTheirFairShareKeepIt() {
        assertThat(SegmentBalancer.surplus(4, new Holding(2, 2), List.of(new Holding(2, 2)))).isZero();
        assertThat(SegmentBalancer.surplus(4, new Holding(2, 2), List.of(new Holding(1, 3), new Holding(1, 3))))
                .isZero();
    }

    @Test
    void aLoneInstanceKeepsEverySegment() {
        assertThat(SegmentBalancer.surplus(4, new Holding(4, 0), List.of())).isZero();
    }

    @Test
    void nothingIsGivenUpToAnInstanceWithoutThreadsToTakeIt() {
        assertThat(SegmentBalancer.surplus(4, new Holding(4, 0), List.of(new Holding(0, 0)))).isZero();
        assertThat(SegmentBalancer.surplus(4, new Holding(4, 0), List.of(new Holding(0, 1)))).isEqualTo(1);
    }

    @Test
    void aDeadInstanceThatStillCountsHoldsItsShareAndIsGivenNothing() {
        // Killed, it still counts until its record is older than the claim timeout; the survivor took its segments.
        assertThat(SegmentBalancer.surplus(4, new Holding(4, 0), List.of(new Holding(2, 2)))).isZero();
    }

    @Test
    void withMoreInstancesThanSegmentsEachHoldsAtMostOne() {
        assertThat(SegmentBalancer.surplus(2, new Holding(2, 0), List.of(new Holding(0, 2), new Holding(0, 2))))
                .isEqualTo(1);
    }

    @Test
    void theWidestSegmentIsSplitByTheInstanceThatHoldsIt() {
        assertThat(SegmentBalancer.toSplit(new int[]{0}, Set.of(0))).contains(0);
        // 0 and 2 are quarters, 1 is a half: 1 goes next, whoever holds 0.
        assertThat(SegmentBalancer.toSplit(new int[]{0, 1, 2}, Set.of(0, 2))).isEqualTo(Optional.empty());
        assertThat(SegmentBalancer.toSplit(new int[]{0, 1, 2}, Set.of(1))).contains(1);
        assertThat(SegmentBalancer.toSplit(new int[]{0, 1}, Set.of(0, 1))).contains(0);
    }
}
