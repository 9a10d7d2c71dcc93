package io.depot.upload;

import io.depot.error.DepotException;
import org.junit.jupiter.api.Test;

import static io.depot.upload.UploadPlan.MIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UploadPlanTest {

    @Test
    void aFileThatFitsOnePartIsASinglePut() {
        var plan = UploadPlan.of(3 * MIB, 8 * MIB);
        assertThat(plan.mode()).isEqualTo(UploadMode.SINGLE);
        assertThat(plan.partCount()).isEqualTo(1);
        assertThat(plan.partLength(1)).isEqualTo(3 * MIB);
    }

    @Test
    void anEmptyFileIsASinglePutOfNothing() {
        var plan = UploadPlan.of(0, 8 * MIB);
        assertThat(plan.partCount()).isEqualTo(1);
        assertThat(plan.partLength(1)).isZero();
    }

    @Test
    void aLargeFileIsCutIntoPartsWithAShortLastOne() {
        var plan = UploadPlan.of(64 * MIB, 5 * MIB);
        assertThat(plan.mode()).isEqualTo(UploadMode.MULTIPART);
        assertThat(plan.partCount()).isEqualTo(13);
        assertThat(plan.partLength(12)).isEqualTo(5 * MIB);
        assertThat(plan.partLength(13)).isEqualTo(4 * MIB);
    }

    @Test
    void thePartSizeGrowsSoThatNoUploadNeedsMoreThanTenThousandParts() {
        var plan = UploadPlan.of(UploadPlan.MAX_OBJECT_SIZE, 5 * MIB);
        assertThat(plan.partCount()).isLessThanOrEqualTo(UploadPlan.MAX_PARTS);
        assertThat(plan.partSize() % MIB).isZero();
        assertThat(plan.partSize() * (plan.partCount() - 1) + plan.partLength(plan.partCount()))
                .isEqualTo(UploadPlan.MAX_OBJECT_SIZE);
    }

    @Test
    void refusesNegativeAndAbsurdSizes() {
        assertThatThrownBy(() -> UploadPlan.of(-1, 5 * MIB)).isInstanceOf(DepotException.class);
        assertThatThrownBy(() -> UploadPlan.of(UploadPlan.MAX_OBJECT_SIZE + 1, 5 * MIB))
                .isInstanceOf(DepotException.class);
    }

    @Test
    void refusesPartsBelowFiveMebibytes() {
        assertThatThrownBy(() -> UploadPlan.of(64 * MIB, 4 * MIB)).isInstanceOf(DepotException.class);
    }

    @Test
    void aPartNumberOutsideThePlanIsRefusedWithTheRangeItAllows() {
        UploadPlan plan = UploadPlan.of(12 * MIB, 5 * MIB);
        plan.requirePart(1);
        plan.requirePart(3);
        assertThatThrownBy(() -> plan.requirePart(4)).isInstanceOf(DepotException.class)
                .hasMessage("part_number must be between 1 and 3, was 4");
        assertThatThrownBy(() -> plan.requirePart(0)).isInstanceOf(DepotException.class);
        UploadPlan.requirePossiblePart(UploadPlan.MAX_PARTS);
        assertThatThrownBy(() -> UploadPlan.requirePossiblePart(UploadPlan.MAX_PARTS + 1))
                .isInstanceOf(DepotException.class)
                .hasMessage("part_number must be between 1 and 10000, was 10001");
    }
}
