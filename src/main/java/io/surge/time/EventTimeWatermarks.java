package io.surge.time;

import io.surge.event.Ingested;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.BoundedOutOfOrdernessWatermarks;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.eventtime.WatermarksWithIdleness;

/**
 * Event time for the inputs: the watermark is the largest valid event time seen minus the out-of-orderness bound, per
 * source partition when used in {@code fromSource}, and a partition idle for the idleness timeout stops holding it
 * back. Diverted records carry no trustworthy event time, so they never move the watermark, and they do not count as
 * activity either: a partition that receives nothing but rejected records goes idle like a silent one, instead of
 * holding every window back.
 */
public final class EventTimeWatermarks {

    private EventTimeWatermarks() {}

    public static WatermarkStrategy<Ingested> strategy(Duration outOfOrderness, Duration idleness) {
        return WatermarkStrategy.<Ingested>forGenerator(ctx -> new AcceptedEventsOnly(new WatermarksWithIdleness<>(
                        new BoundedOutOfOrdernessWatermarks<>(outOfOrderness), idleness,
                        ctx.getInputActivityClock())))
                .withTimestampAssigner((ingested, recordTimestamp) ->
                        ingested.isAccepted() ? ingested.event().eventTime() : recordTimestamp);
    }

    private record AcceptedEventsOnly(WatermarkGenerator<Ingested> generator) implements WatermarkGenerator<Ingested> {
        @Override
        public void onEvent(Ingested ingested, long eventTimestamp, WatermarkOutput output) {
            if (ingested.isAccepted()) {
                generator.onEvent(ingested, eventTimestamp, output);
            }
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            generator.onPeriodicEmit(output);
        }
    }
}
