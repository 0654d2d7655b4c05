package io.surge.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class WindowSpecTest {

    private final WindowSpec spec = new WindowSpec(30_000, 5_000, 0);

    @Test
    void slicesAreAlignedToTheEpochOnBothSidesOfZero() {
        assertThat(spec.sliceOf(0)).isZero();
        assertThat(spec.sliceOf(4_999)).isZero();
        assertThat(spec.sliceOf(5_000)).isEqualTo(1);
        assertThat(spec.sliceOf(-1)).isEqualTo(-1);
    }

    @Test
    void aWindowIsTheSixSlicesBeforeItsEnd() {
        assertThat(spec.windowStart(6)).isZero();
        assertThat(spec.windowEnd(6)).isEqualTo(30_000);
        assertThat(spec.covers(6, 0)).isTrue();
        assertThat(spec.covers(6, 5)).isTrue();
        assertThat(spec.covers(6, 6)).isFalse();
        assertThat(spec.covers(6, -1)).isFalse();
    }

    @Test
    void aSliceIsLateOnceTheWatermarkReachesTheLastMillisecondOfItsLastWindow() {
        // slice 0's last window is [0 s, 30 s)
        assertThat(spec.isLate(0, 29_998)).isFalse();
        assertThat(spec.isLate(0, 29_999)).isTrue();
        assertThat(spec.isLate(0, Long.MIN_VALUE)).isFalse();
    }

    @Test
    void theFirstPendingWindowOfASliceFollowsTheWatermark() {
        assertThat(spec.firstPendingEndSlice(2, Long.MIN_VALUE)).isEqualTo(3);
        assertThat(spec.firstPendingEndSlice(2, 14_998)).isEqualTo(3);
        assertThat(spec.firstPendingEndSlice(2, 14_999)).isEqualTo(4);
        assertThat(spec.firstPendingEndSlice(2, 21_000)).isEqualTo(5);
        assertThat(spec.endSliceEmittedAt(spec.emitTime(7))).isEqualTo(7);
    }

    @Test
    void sizeMustBeAWholeMultipleOfSlide() {
        assertThatThrownBy(() -> new WindowSpec(30_000, 7_000, 0)).hasMessageContaining("whole multiple");
        assertThatThrownBy(() -> new WindowSpec(30_000, 5_000, -1)).hasMessageContaining("lateness");
    }
}
