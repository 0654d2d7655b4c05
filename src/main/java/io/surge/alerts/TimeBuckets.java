package io.surge.alerts;

import io.surge.time.CheckpointedWatermark;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Stamps each record with the end of its time bucket before Flink CEP sees it.
 *
 * <p>Flink CEP does its state work per zone and distinct timestamp: a timer, a scan of the zone's buffered events and
 * a scan of its event counters, each a RocksDB seek. A busy zone's events all have different milliseconds; stamped
 * with their bucket's end, they cost that work once per bucket. CEP still matches them in their own time order (the
 * rule's comparator) and the rule's conditions bound the match by the events' own times, so the alerts are the same.
 *
 * <p>A record at or behind the watermark is one CEP would drop as late; it is dropped here, before its later stamp
 * could make it look on time. After a restore, that is the watermark of the last checkpoint until the new one passes
 * it ({@link CheckpointedWatermark}).
 */
final class TimeBuckets<T> extends AbstractStreamOperator<T> implements OneInputStreamOperator<T, T> {

    private static final long serialVersionUID = 1L;
    private final long bucketMillis;
    private transient CheckpointedWatermark checkpointedWatermark;
    private transient long watermark;
    private transient Counter late;

    TimeBuckets(long bucketMillis) {
        this.bucketMillis = bucketMillis;
    }

    /** The end of the bucket holding {@code timestamp}: never earlier than it, so never later for the watermark. */
    static long bucketEnd(long timestamp, long bucketMillis) {
        return Math.floorDiv(timestamp + bucketMillis - 1, bucketMillis) * bucketMillis;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        checkpointedWatermark = CheckpointedWatermark.restore(context.getOperatorStateStore());
        watermark = checkpointedWatermark.effective(Long.MIN_VALUE);
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        checkpointedWatermark.snapshot();
    }

    @Override
    public void open() throws Exception {
        super.open();
        late = getMetricGroup().counter("numLateRecordsDropped");
    }

    @Override
    public void processElement(StreamRecord<T> element) {
        if (element.getTimestamp() <= watermark) {
            late.inc();
            return;
        }
        output.collect(element.replace(element.getValue(), bucketEnd(element.getTimestamp(), bucketMillis)));
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        watermark = checkpointedWatermark.effective(mark.getTimestamp());
        super.processWatermark(mark);
    }
}
