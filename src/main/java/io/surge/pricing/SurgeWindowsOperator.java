package io.surge.pricing;

import io.surge.event.ZoneEvent;
import io.surge.state.HeapBetweenCheckpoints;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;

/**
 * The surge windows, with their zones' state on the heap between checkpoints ({@link HeapBetweenCheckpoints}): written
 * to the state backend before each checkpoint's barrier, and after a watermark once the heap holds its bound of zones.
 */
public final class SurgeWindowsOperator extends KeyedProcessOperator<String, ZoneEvent, ZoneSurge> {

    private static final long serialVersionUID = 1L;

    private final SlicedSurgeWindows windows;
    private transient HeapBetweenCheckpoints<String> zoneState;

    public SurgeWindowsOperator(SlicedSurgeWindows windows) {
        super(windows);
        this.windows = windows;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        zoneState = new HeapBetweenCheckpoints<>(getKeyedStateStore(), getKeyedStateBackend());
        windows.keepStateIn(zoneState);
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        super.processWatermark(mark);
        zoneState.writeBackIfFull();
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        zoneState.writeBack();
    }
}
