package io.surge.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.RecoveryClaimMode;
import org.apache.flink.core.fs.Path;
import org.junit.jupiter.api.Test;

/** Where a restarted job starts, for every state its checkpoints and consumer group can be in. */
class StartPointTest {

    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    private static final String LOCATION = "file:/state/surge/checkpoints";

    private static RetainedCheckpoint good(long id) {
        return new RetainedCheckpoint(id, new Path(LOCATION + "/job/chk-" + id), NOW.minusSeconds(90), null);
    }

    private static RetainedCheckpoint damaged(long id) {
        return new RetainedCheckpoint(id, new Path(LOCATION + "/job/chk-" + id), NOW, "_metadata cannot be read");
    }

    private static RetainedCheckpoint unfinished(long id) {
        return new RetainedCheckpoint(id, new Path(LOCATION + "/job/chk-" + id), null, "no _metadata");
    }

    private static StartPoint choose(boolean groupHasOffsets, RetainedCheckpoint... newestFirst) {
        return StartPoint.choose(List.of(newestFirst), LOCATION, "surge", groupHasOffsets, NOW);
    }

    @Test
    void theNewestCompleteCheckpointIsRestoredAndSaidInOneLine() {
        StartPoint start = choose(true, unfinished(9), good(8), good(7));

        assertThat(start.restoreFrom()).isEqualTo(LOCATION + "/job/chk-8");
        assertThat(start.description())
                .isEqualTo("resuming from checkpoint id=8 age=90 s path=" + LOCATION
                        + "/job/chk-8 (skipped, never completed: chk-9)");
        Configuration flink = new Configuration();
        start.applyTo(flink);
        assertThat(flink.get(StateRecoveryOptions.SAVEPOINT_PATH)).isEqualTo(LOCATION + "/job/chk-8");
        assertThat(flink.get(StateRecoveryOptions.RESTORE_MODE)).isEqualTo(RecoveryClaimMode.NO_CLAIM);
    }

    @Test
    void aDamagedNewestCheckpointFallsBackToThePreviousAndWarnsOfRepeatedResults() {
        StartPoint start = choose(true, damaged(8), good(7));

        assertThat(start.restoreFrom()).endsWith("chk-7");
        assertThat(start.description())
                .startsWith("resuming from checkpoint id=7")
                .contains("chk-8: _metadata cannot be read")
                .contains("may see those (zone, window_end) twice");
    }

    @Test
    void whenEveryCompletedCheckpointIsDamagedTheStartIsRefusedNamingTheDirectoryAndTheWayOut() {
        assertThatThrownBy(() -> choose(false, unfinished(9), damaged(8)))
                .isInstanceOf(RecoveryException.class)
                .hasMessageContaining(
                        "no checkpoint in " + LOCATION + " can be restored: chk-8: _metadata cannot be read")
                .hasMessageContaining("--fresh");
    }

    @Test
    void committedOffsetsWithoutAnyCheckpointMeanTheStateIsElsewhereAndTheStartIsRefused() {
        assertThatThrownBy(() -> choose(true))
                .isInstanceOf(RecoveryException.class)
                .hasMessageContaining("consumer group surge has committed offsets")
                .hasMessageContaining(LOCATION + " holds no checkpoint")
                .hasMessageContaining("--fresh");
    }

    @Test
    void aJobThatNeverCompletedACheckpointStartsWithEmptyState() {
        StartPoint first = choose(false);
        StartPoint crashedBeforeItsFirstCheckpoint = choose(false, unfinished(1));

        assertThat(first.restoreFrom()).isNull();
        assertThat(first.description()).startsWith("starting with empty state: no checkpoint in " + LOCATION);
        assertThat(crashedBeforeItsFirstCheckpoint.restoreFrom()).isNull();
        assertThat(crashedBeforeItsFirstCheckpoint.description()).contains("chk-1 never did");
        Configuration flink = new Configuration();
        first.applyTo(flink);
        assertThat(flink.getOptional(StateRecoveryOptions.SAVEPOINT_PATH)).isEmpty();
    }
}
