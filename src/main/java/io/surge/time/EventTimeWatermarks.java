package io.surge.time;

import io.surge.event.Ingested;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.BoundedOutOfOrdernessWatermarks;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Event time for the inputs: the watermark is the largest valid event time seen minus the out-of-orderness bound, per
 * source partition when used in {@code fromSource}, and a partition idle for the idleness timeout stops holding it
 * back. Diverted records carry no trustworthy event time, so they never move the watermark.
 */
public final class EventTimeWatermarks {

    private EventTimeWatermarks() {}

    public static WatermarkStrategy<Ingested> strategy(Duration outOfOrderness, Duration idleness) {
        return WatermarkStrategy.<Ingested>forGenerator(ctx -> new AcceptedEventsOnly(outOfOrderness))
                .withTimestampAssigner((ingested, recordTimestamp) ->
                        ingested.isAccepted() ? ingested.event().eventTime() : recordTimestamp)
                .withIdleness(idleness);
    }

    private static final class AcceptedEventsOnly implements WatermarkGenerator<Ingested> {
        private final BoundedOutOfOrdernessWatermarks<Ingested> bounded;

        AcceptedEventsOnly(Duration outOfOrderness) {
            this.bounded = new BoundedOutOfOrdernessWatermarks<>(outOfOrderness);
        }

        @Override
        public void onEvent(Ingested ingested, long eventTimestamp, WatermarkOutput output) {
            if (ingested.isAccepted()) {
                bounded.onEvent(ingested, eventTimestamp, output);
            }
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            bounded.onPeriodicEmit(output);
        }
    }
}
