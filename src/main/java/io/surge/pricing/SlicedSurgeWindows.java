package io.surge.pricing;

import io.surge.event.DivertedRecord;
import io.surge.event.Reason;
import io.surge.event.ZoneEvent;
import io.surge.time.CheckpointedWatermark;
import io.surge.time.Clock;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.LongPredicate;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.KeyedStateStore;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
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
 * <p>Supply needs each driver's latest status within the window, so the zone keeps, per driver, the status with the
 * greatest event time in each slice ({@link SliceStatuses}, one state entry per driver); a window takes the greatest
 * across its slices, reading each driver once. When two statuses of a driver carry the same event time,
 * "unavailable" wins, so that the result does not depend on arrival order.
 *
 * <p>Records whose every window was already emitted go to {@link #LATE}; after a restore, by the watermark of the last
 * checkpoint until the sources' new one passes it ({@link CheckpointedWatermark}).
 */
public final class SlicedSurgeWindows extends KeyedProcessFunction<String, ZoneEvent, ZoneSurge>
        implements CheckpointedFunction, CheckpointListener {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<DivertedRecord> LATE =
            new OutputTag<>("late-events", TypeInformation.of(DivertedRecord.class));

    private final WindowSpec window;
    private final Clock clock;

    /** Ride requests per slice; an entry exists for every slice that holds any record of the zone. */
    private transient MapState<Long, Long> demandBySlice;
    /** Per driver, its latest {@link #status} in each slice that holds one ({@link SliceStatuses}). */
    private transient MapState<String, long[]> driverStatuses;
    /**
     * Driver statuses as checkpoints of builds before 2026-12-01 (session 9) hold them, an entry per slice and driver:
     * folded into {@link #driverStatuses} at the zone's next firing, so that windows open at an upgrade count them.
     */
    private transient MapState<SliceDriver, Long> statusesOfOlderBuilds;

    /** Where the zones' state is kept: set by {@link SurgeWindowsOperator}, which runs these windows. */
    private transient KeyedStateStore zoneState;
    private transient CheckpointedWatermark checkpointedWatermark;
    private transient Counter counted;
    private transient Counter late;
    private transient Counter windowsEmitted;
    /** The highest multiplier among this subtask's zones in the latest window it emitted: the city's peak price. */
    private transient double latestMaxMultiplier;
    private transient long latestWindowEnd;
    /** When the first result since the last checkpoint barrier was emitted (processing time); 0 when none was. */
    private transient long firstEmittedSinceBarrier;
    /** Per checkpoint taken and not yet complete, when its first result was emitted. */
    private transient NavigableMap<Long, Long> firstEmittedByCheckpoint;
    /**
     * How long the results of the latest completed checkpoint waited for it, from the first of them emitted: what an
     * exactly-once consumer waits beyond the window arithmetic, as the sinks commit at that checkpoint.
     */
    private transient long commitLatency;

    /**
     * A driver within a slice, the key of {@link #statusesOfOlderBuilds}; public with a canonical constructor so that
     * Flink serializes it as a POJO, as those builds did.
     */
    public record SliceDriver(long slice, String driverId) {}

    public SlicedSurgeWindows(WindowSpec window, Clock clock) {
        this.window = window;
        this.clock = clock;
    }

    /** The zones' state, before {@link #open}. */
    void keepStateIn(KeyedStateStore store) {
        this.zoneState = store;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        checkpointedWatermark = CheckpointedWatermark.restore(context.getOperatorStateStore());
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        checkpointedWatermark.snapshot();
        if (firstEmittedSinceBarrier != 0) {
            firstEmittedByCheckpoint.put(context.getCheckpointId(), firstEmittedSinceBarrier);
            firstEmittedSinceBarrier = 0;
        }
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        // a completed checkpoint commits the results of every earlier one too
        var committed = firstEmittedByCheckpoint.headMap(checkpointId, true);
        if (!committed.isEmpty()) {
            commitLatency = clock.millis() - committed.firstEntry().getValue();
            committed.clear();
        }
    }

    @Override
    public void open(OpenContext openContext) {
        if (zoneState == null) {
            throw new IllegalStateException("the surge windows run in a SurgeWindowsOperator, which keeps their state");
        }
        demandBySlice = zoneState.getMapState(new MapStateDescriptor<>("demand-by-slice", Types.LONG, Types.LONG));
        driverStatuses = zoneState.getMapState(new MapStateDescriptor<>(
                "driver-statuses", Types.STRING, PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
        statusesOfOlderBuilds = zoneState.getMapState(new MapStateDescriptor<>(
                "driver-status-by-slice", TypeInformation.of(SliceDriver.class), Types.LONG));
        var metrics = getRuntimeContext().getMetricGroup().addGroup("surge");
        counted = metrics.counter("eventsCounted");
        late = metrics.counter("eventsLate");
        windowsEmitted = metrics.counter("windowsEmitted");
        metrics.gauge("maxMultiplier", () -> latestMaxMultiplier);
        metrics.gauge("commitLatency", () -> commitLatency);
        firstEmittedByCheckpoint = new TreeMap<>();
    }

    @Override
    public void processElement(ZoneEvent event, Context ctx, Collector<ZoneSurge> out) throws Exception {
        long slice = window.sliceOf(event.eventTime());
        long watermark = checkpointedWatermark.effective(ctx.timerService().currentWatermark());
        if (window.isLate(slice, watermark)) {
            late.inc();
            ctx.output(LATE, lateRecord(event, slice, watermark));
            return;
        }
        Long demand = demandBySlice.get(slice);
        if (demand == null) {
            ctx.timerService()
                    .registerEventTimeTimer(window.emitTime(window.firstPendingEndSlice(slice, watermark)));
            demand = 0L;
        }
        switch (event.kind()) {
            case RIDE_REQUEST -> demandBySlice.put(slice, demand + 1);
            case DRIVER_STATUS -> {
                if (demand == 0L) {
                    demandBySlice.put(slice, demand);
                }
                keepStatus(event.driverId(), slice, status(event.eventTime(), event.available()));
            }
        }
        counted.inc();
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ZoneSurge> out) throws Exception {
        // what this emits must count as emitted after a restore, even if no record comes before the next checkpoint
        checkpointedWatermark.effective(ctx.timerService().currentWatermark());
        long endSlice = window.endSliceEmittedAt(timestamp);
        // The next window starts one slice later: slices before that are needed by no window still to come.
        long firstSliceStillNeeded = endSlice - window.slicesPerWindow() + 1;

        long demand = 0;
        boolean windowHasRecords = false;
        long nextSlice = Long.MAX_VALUE;
        for (Iterator<Map.Entry<Long, Long>> it = demandBySlice.iterator(); it.hasNext(); ) {
            Map.Entry<Long, Long> entry = it.next();
            long slice = entry.getKey();
            if (window.covers(endSlice, slice)) {
                windowHasRecords = true;
                demand += entry.getValue();
            }
            if (slice < firstSliceStillNeeded) {
                it.remove();
            } else {
                nextSlice = Math.min(nextSlice, slice);
            }
        }

        adoptStatusesOfOlderBuilds();
        long supply = 0;
        LongPredicate inWindow = slice -> window.covers(endSlice, slice);
        for (Iterator<Map.Entry<String, long[]>> it = driverStatuses.iterator(); it.hasNext(); ) {
            Map.Entry<String, long[]> driver = it.next();
            long[] statuses = driver.getValue();
            long latest = SliceStatuses.latest(statuses, inWindow);
            if (latest != SliceStatuses.NONE && isAvailable(latest)) {
                supply++;
            }
            long[] stillNeeded = SliceStatuses.from(statuses, firstSliceStillNeeded);
            if (stillNeeded.length == 0) {
                it.remove();
            } else if (stillNeeded != statuses) {
                driver.setValue(stillNeeded);
            }
        }

        if (windowHasRecords) {
            double multiplier = Multiplier.of(demand, supply);
            out.collect(new ZoneSurge(
                    ctx.getCurrentKey(),
                    window.windowStart(endSlice),
                    window.windowEnd(endSlice),
                    demand,
                    supply,
                    multiplier,
                    clock.millis()));
            windowsEmitted.inc();
            trackMaxMultiplier(window.windowEnd(endSlice), multiplier);
            if (firstEmittedSinceBarrier == 0) {
                firstEmittedSinceBarrier = clock.millis();
            }
        }
        if (nextSlice == Long.MAX_VALUE) {
            // Iterator removal can leave an empty map behind on the heap backend; the zone is done, drop it all.
            demandBySlice.clear();
            driverStatuses.clear();
        } else {
            // Skip the windows in between that would hold no record of this zone.
            long nextEndSlice = Math.max(endSlice + 1, nextSlice + 1);
            ctx.timerService().registerEventTimeTimer(window.emitTime(nextEndSlice));
        }
    }

    private void keepStatus(String driverId, long slice, long status) throws Exception {
        long[] statuses = driverStatuses.get(driverId);
        long[] kept = SliceStatuses.with(statuses, slice, status);
        if (kept != statuses) {
            driverStatuses.put(driverId, kept);
        }
    }

    /** Nothing but a seek once no checkpoint of an older build is restored: its statuses are all folded in by then. */
    private void adoptStatusesOfOlderBuilds() throws Exception {
        Iterator<Map.Entry<SliceDriver, Long>> older = statusesOfOlderBuilds.iterator();
        if (!older.hasNext()) {
            return;
        }
        while (older.hasNext()) {
            Map.Entry<SliceDriver, Long> entry = older.next();
            keepStatus(entry.getKey().driverId(), entry.getKey().slice(), entry.getValue());
        }
        statusesOfOlderBuilds.clear();
    }

    private void trackMaxMultiplier(long windowEnd, double multiplier) {
        if (windowEnd > latestWindowEnd) {
            latestWindowEnd = windowEnd;
            latestMaxMultiplier = multiplier;
        } else if (windowEnd == latestWindowEnd) {
            latestMaxMultiplier = Math.max(latestMaxMultiplier, multiplier);
        }
    }

    /**
     * A driver status packed into one comparable long: a greater value is a later status, and at equal event times
     * the unavailable one is greater.
     */
    public static long status(long eventTime, boolean available) {
        return eventTime * 2 + (available ? 0 : 1);
    }

    public static boolean isAvailable(long status) {
        return (status & 1) == 0;
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
