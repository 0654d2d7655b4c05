package io.surge.time;

import io.surge.event.Ingested;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Event time for the inputs: a watermark per source partition ({@link PartitionWatermarks}) when used in {@code
 * fromSource}, the smallest of them holding the windows back, except those of partitions idle for the idleness
 * timeout. Silence is counted in {@link ReadingTime}, only while the source could read. Diverted records carry no
 * trustworthy event time, so they never move the watermark, and they do not count as activity either: a partition
 * that receives nothing but rejected records goes idle like a silent one, instead of holding every window back.
 * The watermark never passes the processing clock, whatever event time a record carries: a producer whose clock runs
 * fast, within {@code input.max-future-skew}, has its records counted, but cannot make everyone else's late.
 */
public final class EventTimeWatermarks {

    private EventTimeWatermarks() {}

    /** @param clock the processing clock, the one the inputs' future skew is judged by */
    public static WatermarkStrategy<Ingested> strategy(WatermarkSettings settings, Clock clock) {
        return WatermarkStrategy.<Ingested>forGenerator(ctx -> new PartitionWatermarks(
                        settings.outOfOrderness(),
                        settings.idleness(),
                        new ReadingTime(ctx.getInputActivityClock(), settings.interval()),
                        clock))
                .withTimestampAssigner((ingested, recordTimestamp) ->
                        ingested.isAccepted() ? ingested.event().eventTime() : recordTimestamp);
    }
}
