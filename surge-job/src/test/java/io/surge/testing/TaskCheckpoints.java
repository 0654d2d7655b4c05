package io.surge.testing;

import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;

/** Checkpoints of an operator in a test harness, taken as a task takes them. */
public final class TaskCheckpoints {

    private TaskCheckpoints() {}

    /** The operator prepares for the checkpoint before its barrier, as a task has it do, then snapshots. */
    public static OperatorSubtaskState take(AbstractStreamOperatorTestHarness<?> harness) throws Exception {
        harness.prepareSnapshotPreBarrier(1L);
        return harness.snapshot(1L, 1L);
    }
}
