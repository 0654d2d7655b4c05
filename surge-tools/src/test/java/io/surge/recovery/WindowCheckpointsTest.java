package io.surge.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WindowCheckpointsTest {

    private static final long SPACING = 4_000;

    @Test
    void resultsStartACheckpointOnceTheSpacingHasPassed() {
        assertThat(WindowCheckpoints.due(3_999, true, SPACING)).isFalse();
        assertThat(WindowCheckpoints.due(4_000, true, SPACING)).isTrue();
    }

    @Test
    void withoutResultsThePacerStartsNone() {
        assertThat(WindowCheckpoints.due(3_600_000, false, SPACING)).isFalse();
    }

    @Test
    void theRestOfAWindowsResultsOwesNoFurtherCheckpoint() {
        assertThat(WindowCheckpoints.owes(1_999, true, SPACING)).isFalse();
        assertThat(WindowCheckpoints.owes(2_000, true, SPACING)).isTrue();
        assertThat(WindowCheckpoints.owes(3_600_000, false, SPACING)).isFalse();
    }
}
