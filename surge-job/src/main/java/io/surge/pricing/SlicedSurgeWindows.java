package io.surge.pricing;

import io.surge.event.DivertedRecord;
import io.surge.event.Reason;
import io.surge.event.ZoneEvent;
import io.surge.state.HeapBetweenCheckpoints;
import io.surge.time.CheckpointedWatermark;
import io.surge.time.Clock;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.LongPredicate;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

/**
 * Demand and supply of one zone over sliding event-time windows, one {@link ZoneSurge} per window that holds a record
 * of the zone.
 *
 * <p>Each event updates one slide-long slice rather than every window it belongs to (six at 30 s / 5 s), and a window
 * is assembled from its slices when the watermark passes its end, the way Flink SQL's slicing windows work. A new
 * slice registers a timer for the first window it is in; each firing registers the next window that holds a slice,
 * skipping empty stretches. Timers at equal times are one timer, so each window fires once. A slice is dropped as soon
 * as no window still to come needs it; when the zone's last slice goes, its state and timers are empty.
 *
 * <p>Supply counts each driver once per window, in the zone of the driver's latest status in it, if that status says
 * available. The zone keeps, per driver, the latest of its statuses there and of the notes that it was elsewhere
 * ({@link DriverWhereabouts}) in each slice ({@link SliceStatuses}, one state entry per driver); a window takes the
 * latest across its slices, reading each driver once, and counts the driver when that is a status saying available.
 * At equal event times a note wins over a status, and "unavailable" over "available", so that the result does not
 * depend on arrival order: a driver whose latest statuses in a window are at the same millisecond in two zones counts
 * in neither.
 *
 * <p>Records whose every window was already emitted go to {@link #LATE}; after a restore, by the watermark of the last
 * checkpoint until the sources' new one passes it ({@link CheckpointedWatermark}).
 *
 * <p>The zones' state is on the heap between checkpoints ({@link HeapBetweenCheckpoints}): written to the state
 * backend before each checkpoint's barrier, and after a watermark once the heap holds its bound of zones.
 */
public final class SlicedSurgeWindows extends AbstractStreamOperator<ZoneSurge>
        implements OneInputStreamOperator<ZoneEvent, ZoneSurge>, Triggerable<String, VoidNamespace> {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<DivertedRecord> LATE =
            new OutputTag<>("late-events", TypeInformation.of(DivertedRecord.class));

    /**
     * How many zones the windows hold on the heap between checkpoints ({@link HeapBetweenCheckpoints}). A zone held
     * takes some KB, mostly its drivers' statuses: a city's busy zones, a few hundred per subtask, stay held; on the
     * world-sized benchmark, holding 10,000 rather than 2,000 made no measurable difference (18,219 against 19,816
     * events/s, 600,000 events).
     */
    private static final int HELD_ZONES = 2_000;

    private final WindowSpec window;
    private final Clock clock;

    /**
     * Ride requests per {@link WindowSpec#bucket bucket}: by slice, and the first window of the slice they count in,
     * which the watermark they met decides. An entry exists for every bucket that holds any record of the zone.
     */
    private transient MapState<Long, Long> demandByBucket;
    /**
     * Per driver, its latest {@link #status} or note in each bucket that holds one ({@link SliceStatuses}, by bucket
     * rather than slice).
     */
    private transient MapState<String, long[]> driverStatuses;

    private transient HeapBetweenCheckpoints<String> zoneState;
    private transient InternalTimerService<VoidNamespace> timers;

    private transient CheckpointedWatermark checkpointedWatermark;
    private transient Counter counted;
    private transient Counter late;
    private transient Counter windowsEmitted;
    /** When the first result since the last checkpoint barrier was emitted (processing time); 0 when none was. */
    private transient long firstEmittedSinceBarrier;
    /** Per checkpoint taken and not yet complete, when its first result was emitted. */
    private transient NavigableMap<Long, Long> firstEmittedByCheckpoint;
    /**
     * How long the results of the latest completed checkpoint waited for it, from the first of them emitted: what an
     * exactly-once consumer waits beyond the window arithmetic, as the sinks commit at that checkpoint.
     */
    private transient long commitLatency;

    public SlicedSurgeWindows(WindowSpec window, Clock clock) {
        this.window = window;
        this.clock = clock;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        checkpointedWatermark = CheckpointedWatermark.restore(context.getOperatorStateStore());
        zoneState = new HeapBetweenCheckpoints<>(getKeyedStateStore(), getKeyedStateBackend(), HELD_ZONES);
    }

    @Override
    public void open() throws Exception {
        super.open();
        timers = getInternalTimerService("user-timers", VoidNamespaceSerializer.INSTANCE, this);
        demandByBucket = zoneState.getMapState(new MapStateDescriptor<>("demand-by-bucket", Types.LONG, Types.LONG));
        driverStatuses = zoneState.getMapState(new MapStateDescriptor<>(
                "driver-whereabouts", Types.STRING, PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
        var metrics = getMetricGroup().addGroup("surge");
        counted = metrics.counter("eventsCounted");
        late = metrics.counter("eventsLate");
        windowsEmitted = metrics.counter("windowsEmitted");
        metrics.gauge("commitLatency", () -> commitLatency);
        firstEmittedByCheckpoint = new TreeMap<>();
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

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        checkpointedWatermark.snapshot();
        if (firstEmittedSinceBarrier != 0) {
            firstEmittedByCheckpoint.put(context.getCheckpointId(), firstEmittedSinceBarrier);
            firstEmittedSinceBarrier = 0;
        }
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        super.notifyCheckpointComplete(checkpointId);
        // a completed checkpoint commits the results of every earlier one too
        var committed = firstEmittedByCheckpoint.headMap(checkpointId, true);
        if (!committed.isEmpty()) {
            commitLatency = clock.millis() - committed.firstEntry().getValue();
            committed.clear();
        }
    }

    @Override
    public void processElement(StreamRecord<ZoneEvent> element) throws Exception {
        ZoneEvent event = element.getValue();
        long slice = window.sliceOf(event.eventTime());
        // the event's windows are those open by the watermark it met upstream, unless this operator's own, restored
        // from a checkpoint, is higher
        long watermark = Math.max(event.metWatermark(), checkpointedWatermark.effective(timers.currentWatermark()));
        if (window.isLate(slice, watermark)) {
            if (event.kind() != ZoneEvent.Kind.DRIVER_ELSEWHERE) {
                late.inc();
                output.collect(LATE, new StreamRecord<>(lateRecord(event, slice, watermark), element.getTimestamp()));
            }
            return;
        }
        long firstEndSlice = window.firstPendingEndSlice(slice, watermark);
        long bucket = window.bucket(slice, firstEndSlice);
        if (event.kind() == ZoneEvent.Kind.DRIVER_ELSEWHERE) {
            noteElsewhere(event.driverId(), bucket, elsewhere(event.eventTime()));
            return;
        }
        Long demand = demandByBucket.get(bucket);
        if (demand == null) {
            timers.registerEventTimeTimer(VoidNamespace.INSTANCE, window.emitTime(firstEndSlice));
            demand = 0L;
        }
        switch (event.kind()) {
            case RIDE_REQUEST -> demandByBucket.put(bucket, demand + 1);
            case DRIVER_STATUS -> {
                if (demand == 0L) {
                    demandByBucket.put(bucket, demand);
                }
                keepStatus(event.driverId(), bucket, status(event.eventTime(), event.available()));
            }
            case DRIVER_ELSEWHERE -> throw new IllegalStateException("a note is not an input: " + event);
        }
        counted.inc();
    }

    /**
     * Keeps a note that a driver seen here was elsewhere. A note for a driver with no status here changes no window:
     * should a status here arrive later, the note comes again after it.
     */
    private void noteElsewhere(String driverId, long bucket, long note) throws Exception {
        long[] statuses = driverStatuses.get(driverId);
        if (statuses != null) {
            long[] kept = SliceStatuses.with(statuses, bucket, note);
            if (kept != statuses) {
                driverStatuses.put(driverId, kept);
            }
        }
    }

    @Override
    public void onEventTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        long timestamp = timer.getTimestamp();
        // what this emits must count as emitted after a restore, even if no record comes before the next checkpoint
        checkpointedWatermark.effective(timers.currentWatermark());
        long endSlice = window.endSliceEmittedAt(timestamp);
        // The next window starts one slice later: slices before that are needed by no window still to come.
        long firstSliceStillNeeded = endSlice - window.slicesPerWindow() + 1;

        long demand = 0;
        boolean windowHasRecords = false;
        long nextEndSlice = Long.MAX_VALUE;
        for (Iterator<Map.Entry<Long, Long>> it = demandByBucket.iterator(); it.hasNext(); ) {
            Map.Entry<Long, Long> entry = it.next();
            long bucket = entry.getKey();
            if (window.countsIn(endSlice, bucket)) {
                windowHasRecords = true;
                demand += entry.getValue();
            }
            if (window.sliceOfBucket(bucket) < firstSliceStillNeeded) {
                it.remove();
            } else {
                nextEndSlice = Math.min(nextEndSlice, window.firstEndSliceOfBucket(bucket));
            }
        }

        long supply = 0;
        LongPredicate inWindow = bucket -> window.countsIn(endSlice, bucket);
        for (Iterator<Map.Entry<String, long[]>> it = driverStatuses.iterator(); it.hasNext(); ) {
            Map.Entry<String, long[]> driver = it.next();
            long[] statuses = driver.getValue();
            long latest = SliceStatuses.latest(statuses, inWindow);
            if (latest != SliceStatuses.NONE && isAvailable(latest)) {
                supply++;
            }
            long[] stillNeeded =
                    SliceStatuses.from(statuses, window.bucket(firstSliceStillNeeded, firstSliceStillNeeded + 1));
            if (stillNeeded.length == 0) {
                it.remove();
            } else if (stillNeeded != statuses) {
                driver.setValue(stillNeeded);
            }
        }

        if (windowHasRecords) {
            ZoneSurge counted = ZoneSurge.counted(
                    timer.getKey(),
                    window.windowStart(endSlice),
                    window.windowEnd(endSlice),
                    demand,
                    supply,
                    clock.millis());
            output.collect(new StreamRecord<>(counted, timestamp));
            windowsEmitted.inc();
            if (firstEmittedSinceBarrier == 0) {
                firstEmittedSinceBarrier = clock.millis();
            }
        }
        if (nextEndSlice == Long.MAX_VALUE) {
            // Iterator removal can leave an empty map behind on the heap backend; the zone is done, drop it all.
            demandByBucket.clear();
            driverStatuses.clear();
        } else {
            // Skip the windows in between that would hold no record of this zone.
            timers.registerEventTimeTimer(
                    VoidNamespace.INSTANCE, window.emitTime(Math.max(endSlice + 1, nextEndSlice)));
        }
    }

    @Override
    public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) {
        throw new IllegalStateException("the surge windows set no processing-time timers: " + timer);
    }

    private void keepStatus(String driverId, long bucket, long status) throws Exception {
        long[] statuses = driverStatuses.get(driverId);
        long[] kept = SliceStatuses.with(statuses, bucket, status);
        if (kept != statuses) {
            driverStatuses.put(driverId, kept);
        }
    }

    /**
     * A driver status packed into one comparable long: a greater value is a later status, and at equal event times
     * the unavailable one is greater, and a note that the driver was elsewhere greater still.
     */
    static long status(long eventTime, boolean available) {
        return eventTime * 4 + (available ? 0 : 1);
    }

    /** A driver status or a note that the driver was elsewhere, packed as {@link #status} and {@link #elsewhere}. */
    public static long packed(ZoneEvent driverEvent) {
        return driverEvent.kind() == ZoneEvent.Kind.DRIVER_ELSEWHERE
                ? elsewhere(driverEvent.eventTime())
                : status(driverEvent.eventTime(), driverEvent.available());
    }

    /** A note that the driver was elsewhere at {@code eventTime}, packed as {@link #status}. */
    static long elsewhere(long eventTime) {
        return eventTime * 4 + 2;
    }

    /** True for a status saying available; false for one saying unavailable and for a note. */
    public static boolean isAvailable(long status) {
        return (status & 3) == 0;
    }

    private DivertedRecord lateRecord(ZoneEvent event, long slice, long watermark) {
        long lastWindowEnd = window.windowEnd(slice + window.slicesPerWindow());
        return new DivertedRecord(
                Reason.LATE,
                "event_time " + Instant.ofEpochMilli(event.eventTime()) + " in zone " + event.zoneId()
                        + " belongs to windows ending at or before " + Instant.ofEpochMilli(lastWindowEnd)
                        + ", all emitted by watermark " + Instant.ofEpochMilli(watermark),
                event.origin());
    }
}
