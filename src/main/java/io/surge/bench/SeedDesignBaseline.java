package io.surge.bench;

import io.surge.SurgeJob;
import io.surge.config.SurgeConfig;
import io.surge.event.Ingested;
import io.surge.event.ZoneEvent;
import io.surge.io.kafka.KafkaEndpoints;
import io.surge.pricing.Multiplier;
import io.surge.pricing.SlicedSurgeWindows;
import io.surge.pricing.ZoneSurge;
import io.surge.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.assigners.SlidingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * The benchmark's baseline: surge's computation written as the seed design writes it, with Flink's
 * {@code SlidingEventTimeWindows} and an {@code AggregateFunction} on RocksDB, so that every record is added to each
 * of the six windows it falls in. Same input, decoding, validation, watermarks and output as surge; no alert rules.
 */
final class SeedDesignBaseline {

    private SeedDesignBaseline() {}

    static void build(StreamExecutionEnvironment env, SurgeConfig config) {
        int schemaId = Contenders.prepareMultipliers(config);
        Clock clock = Clock.system();
        SurgeJob.inputs(env, config, KafkaEndpoints.inputs(config, SurgeJob.validation(config, clock)))
                .filter(Ingested::isAccepted)
                .map(Ingested::event, TypeInformation.of(ZoneEvent.class))
                .keyBy(ZoneEvent::zoneId, Types.STRING)
                .window(SlidingEventTimeWindows.of(
                        Duration.ofMillis(config.window().sizeMillis()), Duration.ofMillis(config.window().slideMillis())))
                .aggregate(new DemandAndSupply(), new ToZoneSurge(clock),
                        Types.TUPLE(Types.LONG, Types.MAP(Types.STRING, Types.LONG)),
                        Types.TUPLE(Types.LONG, Types.LONG),
                        TypeInformation.of(ZoneSurge.class))
                .sinkTo(KafkaEndpoints.multipliers(config, schemaId));
    }

    /**
     * Demand and, per driver, the latest status, packed as surge's windows pack it: a later status wins, and of two at
     * the same time the unavailable one.
     */
    static final class DemandAndSupply
            implements AggregateFunction<ZoneEvent, Tuple2<Long, Map<String, Long>>, Tuple2<Long, Long>> {

        @Override
        public Tuple2<Long, Map<String, Long>> createAccumulator() {
            return Tuple2.of(0L, new HashMap<>());
        }

        @Override
        public Tuple2<Long, Map<String, Long>> add(ZoneEvent event, Tuple2<Long, Map<String, Long>> acc) {
            switch (event.kind()) {
                case RIDE_REQUEST -> acc.f0++;
                case DRIVER_STATUS -> acc.f1.merge(event.driverId(),
                        SlicedSurgeWindows.status(event.eventTime(), event.available()), Math::max);
            }
            return acc;
        }

        @Override
        public Tuple2<Long, Long> getResult(Tuple2<Long, Map<String, Long>> acc) {
            return Tuple2.of(acc.f0, acc.f1.values().stream().filter(SlicedSurgeWindows::isAvailable).count());
        }

        @Override
        public Tuple2<Long, Map<String, Long>> merge(
                Tuple2<Long, Map<String, Long>> a, Tuple2<Long, Map<String, Long>> b) {
            b.f1.forEach((driver, status) -> a.f1.merge(driver, status, Math::max));
            return Tuple2.of(a.f0 + b.f0, a.f1);
        }
    }

    /** Adds the zone and the window to the counts. */
    static final class ToZoneSurge extends ProcessWindowFunction<Tuple2<Long, Long>, ZoneSurge, String, TimeWindow> {
        private final Clock clock;

        ToZoneSurge(Clock clock) {
            this.clock = clock;
        }

        @Override
        public void process(String zone, Context context, Iterable<Tuple2<Long, Long>> counts,
                Collector<ZoneSurge> out) {
            Tuple2<Long, Long> c = counts.iterator().next();
            out.collect(new ZoneSurge(zone, context.window().getStart(), context.window().getEnd(), c.f0, c.f1,
                    Multiplier.of(c.f0, c.f1), clock.millis()));
        }
    }
}
