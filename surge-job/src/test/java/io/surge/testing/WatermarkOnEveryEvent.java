package io.surge.testing;

import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.TimestampAssignerSupplier;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * A production watermark strategy made to emit after every event instead of every 200 ms of processing time. With a
 * single source subtask the watermark each record meets downstream is then a function of the records before it, so a
 * test oracle can tell exactly which records are late.
 */
public final class WatermarkOnEveryEvent<T> implements WatermarkStrategy<T> {

    private static final long serialVersionUID = 1L;
    private final WatermarkStrategy<T> production;

    public WatermarkOnEveryEvent(WatermarkStrategy<T> production) {
        this.production = production;
    }

    @Override
    public TimestampAssigner<T> createTimestampAssigner(TimestampAssignerSupplier.Context context) {
        return production.createTimestampAssigner(context);
    }

    @Override
    public WatermarkGenerator<T> createWatermarkGenerator(WatermarkGeneratorSupplier.Context context) {
        WatermarkGenerator<T> generator = production.createWatermarkGenerator(context);
        return new WatermarkGenerator<>() {
            @Override
            public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {
                generator.onEvent(event, eventTimestamp, output);
                generator.onPeriodicEmit(output);
            }

            @Override
            public void onPeriodicEmit(WatermarkOutput output) {
                generator.onPeriodicEmit(output);
            }
        };
    }
}
