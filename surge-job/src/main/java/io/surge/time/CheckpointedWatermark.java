package io.surge.time;

import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.OperatorStateStore;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * The watermark an operator had reached at its last checkpoint, so that after a restore it judges lateness as it did
 * before the failure.
 *
 * <p>Flink does not checkpoint watermarks: a restored operator has no watermark until the sources emit a new one.
 * Records replayed in that gap that were late before the failure would look on time, and a window already emitted,
 * and committed, could be opened and emitted a second time. Subtasks can meet slightly different watermarks by the
 * time a checkpoint reaches them; on restore, rescaled or not, each takes the highest, which at most turns a record
 * that could have gone either way late, and never counts one in a window emitted before.
 *
 * <p>Only a restored watermark raises the operator's own; the operator's own only rises.
 */
public final class CheckpointedWatermark {

    private final ListState<Long> state;
    private final long restored;
    private long latest = Long.MIN_VALUE;

    private CheckpointedWatermark(ListState<Long> state, long restored) {
        this.state = state;
        this.restored = restored;
    }

    /** The watermark the operator's last checkpoint held, from {@code initializeState}; none on a fresh start. */
    public static CheckpointedWatermark restore(OperatorStateStore store) throws Exception {
        ListState<Long> state =
                store.getUnionListState(new ListStateDescriptor<>("checkpointed-watermark", Types.LONG));
        long restored = Long.MIN_VALUE;
        for (Long watermark : state.get()) {
            restored = Math.max(restored, watermark);
        }
        return new CheckpointedWatermark(state, restored);
    }

    /** Notes the operator's {@code current} watermark; returns it, or the restored one while that is higher. */
    public long effective(long current) {
        latest = Math.max(latest, current);
        return Math.max(restored, current);
    }

    /** From {@code snapshotState}. */
    public void snapshot() throws Exception {
        state.update(List.of(Math.max(restored, latest)));
    }
}
