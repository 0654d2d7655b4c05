package io.surge.pricing;

import io.surge.event.ZoneEvent;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.TimestampedCollector;
import org.apache.flink.util.Collector;

/**
 * Tells each zone when a driver it saw had a status in another zone, so that each window counts a driver once: in the
 * zone of the driver's latest status in that window ({@link SlicedSurgeWindows}).
 *
 * <p>Driver statuses arrive keyed by driver. Each status goes on to its zone, followed by notes
 * ({@link ZoneEvent.Kind#DRIVER_ELSEWHERE}): to every other zone where the driver had a
 * status up to one window earlier, a note at this status's time; and to this status's zone, a note at the time of each
 * status the driver had elsewhere up to one window later, which only a status that arrives out of order has. Of any two
 * statuses that share a window, whichever arrives second sends the note, so what a zone learns does not depend on the
 * order of arrival. A note carries the watermark its status met ({@link ZoneEvent#metWatermark}), so it counts in
 * exactly the windows its status counts in. A status whose every window has been emitted would change nothing and is
 * forgotten. A note tells no more than that the driver was elsewhere at that time, so a zone can hold notes it does not
 * need: they are true all the same.
 */
public final class DriverWhereabouts extends KeyedProcessFunction<String, ZoneEvent, ZoneEvent> {

    private static final long serialVersionUID = 1L;

    private final DriverTrail trail;

    /**
     * The driver's trail ({@link DriverTrail}): its statuses that a window still to be emitted holds, by zone. One value
     * rather than a map entry per zone, so that a status costs one read and one write of the state, not a scan of the
     * driver's entries.
     */
    private transient ValueState<Map<String, long[]>> trailOfDriver;

    public DriverWhereabouts(WindowSpec window) {
        this.trail = new DriverTrail(window);
    }

    @Override
    public void open(OpenContext openContext) {
        trailOfDriver = getRuntimeContext()
                .getState(new ValueStateDescriptor<>(
                        "trail", Types.MAP(Types.STRING, PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO)));
    }

    @Override
    public void processElement(ZoneEvent arrived, Context ctx, Collector<ZoneEvent> out) throws Exception {
        long watermark = ctx.timerService().currentWatermark();
        // A source subtask back from idle, or one restored, stamps a watermark below this step's: the statuses this
        // step has forgotten by its own are of windows closed to this one too, wherever it goes.
        ZoneEvent status = arrived.entered(Math.max(arrived.metWatermark(), watermark));
        out.collect(status);
        Map<String, long[]> known = trailOfDriver.value();
        Map<String, long[]> kept = trail.after(known, status, watermark, note -> collectAtItsTime(note, out));
        keep(kept);
        if (known == null && !kept.isEmpty()) {
            // one timer per driver, while it has a trail: each firing sets the next
            ctx.timerService().registerEventTimeTimer(trail.forgottenAt(ctx.getCurrentKey(), kept));
        }
    }

    /**
     * Emits a note with its own event time as its timestamp, not that of the status that caused it, so that windows
     * assigned by timestamp put it where it belongs: surge's windows read event times, the benchmark's contenders'
     * windows timestamps. A keyed process function's collector (without asynchronous state) is a
     * {@link TimestampedCollector}, which stamps what it emits with the input's timestamp until told otherwise, and is
     * told the next input's before that is processed.
     */
    private static void collectAtItsTime(ZoneEvent note, Collector<ZoneEvent> out) {
        TimestampedCollector<ZoneEvent> stamped = (TimestampedCollector<ZoneEvent>) out;
        stamped.setAbsoluteTimestamp(note.eventTime());
        stamped.collect(note);
    }

    /** Forgets the statuses whose every window has been emitted; the driver's state is empty once all are. */
    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ZoneEvent> out) throws Exception {
        Map<String, long[]> kept = trail.stillPending(trailOfDriver.value(), timestamp);
        keep(kept);
        if (!kept.isEmpty()) {
            ctx.timerService().registerEventTimeTimer(trail.forgottenAt(ctx.getCurrentKey(), kept));
        }
    }

    private void keep(Map<String, long[]> kept) throws Exception {
        if (kept.isEmpty()) {
            trailOfDriver.clear();
        } else {
            trailOfDriver.update(kept);
        }
    }
}
