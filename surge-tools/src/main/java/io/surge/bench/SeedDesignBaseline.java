package io.surge.bench;

import io.surge.SurgeJob;
import io.surge.SurgePipeline;
import io.surge.config.SurgeConfig;
import io.surge.event.ZoneEvent;
import io.surge.io.kafka.KafkaEndpoints;
import io.surge.pricing.SlicedSurgeWindows;
import io.surge.pricing.ZoneSurge;
import io.surge.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.assigners.SlidingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * The benchmark's baseline: surge's computation written as the seed design writes it, with Flink's
 * {@code SlidingEventTimeWindows} and an {@code AggregateFunction} on RocksDB, so that every record is added to each
 * of the six windows it falls in. Same input, decoding, validation, watermarks and output as surge, and surge's zone
 * events with the notes of where drivers were, so that each driver counts in one zone; no alert rules.
 */
final class SeedDesignBaseline {

    private SeedDesignBaseline() {}

    static void build(StreamExecutionEnvironment env, SurgeConfig config) {
        int schemaId = Contenders.prepareMultipliers(config);
        Clock clock = Clock.system();
        // the seed design's windows, on surge's zone events, so that each driver counts in one zone as in surge
        var inputs = SurgeJob.inputs(
                env, config, KafkaEndpoints.inputs(config.kafkaJob(), SurgeJob.validation(config, clock)), clock);
        SurgePipeline.zoneEvents(SurgePipeline.accepted(inputs), config)
                .window(SlidingEventTimeWindows.of(
                        Duration.ofMillis(config.window().sizeMillis()),
                        Duration.ofMillis(config.window().slideMillis())))
                .aggregate(
                        new DemandAndSupply(),
                        new ToZoneSurge(clock),
                        Types.TUPLE(Types.LONG, Types.LONG, Types.MAP(Types.STRING, Types.LONG)),
                        Types.TUPLE(Types.LONG, Types.LONG, Types.LONG),
                        TypeInformation.of(ZoneSurge.class))
                .sinkTo(KafkaEndpoints.multipliers(config.kafkaJob(), schemaId));
    }

    /**
     * Demand, the number of inputs, and per driver the latest status or note that it was elsewhere, packed as surge's
     * windows pack them: a later one wins, at the same time a note over a status and an unavailable status over an
     * available one.
     */
    static final class DemandAndSupply
            implements AggregateFunction<ZoneEvent, Tuple3<Long, Long, Map<String, Long>>, Tuple3<Long, Long, Long>> {

        @Override
        public Tuple3<Long, Long, Map<String, Long>> createAccumulator() {
            return Tuple3.of(0L, 0L, new HashMap<>());
        }

        @Override
        public Tuple3<Long, Long, Map<String, Long>> add(ZoneEvent event, Tuple3<Long, Long, Map<String, Long>> acc) {
            switch (event.kind()) {
                case RIDE_REQUEST -> acc.f0++;
                case DRIVER_STATUS, DRIVER_ELSEWHERE ->
                    acc.f2.merge(event.driverId(), SlicedSurgeWindows.packed(event), Math::max);
            }
            if (event.kind() != ZoneEvent.Kind.DRIVER_ELSEWHERE) {
                acc.f1++;
            }
            return acc;
        }

        /** Demand, supply and the number of inputs. */
        @Override
        public Tuple3<Long, Long, Long> getResult(Tuple3<Long, Long, Map<String, Long>> acc) {
            return Tuple3.of(
                    acc.f0,
                    acc.f2.values().stream()
                            .filter(SlicedSurgeWindows::isAvailable)
                            .count(),
                    acc.f1);
        }

        @Override
        public Tuple3<Long, Long, Map<String, Long>> merge(
                Tuple3<Long, Long, Map<String, Long>> a, Tuple3<Long, Long, Map<String, Long>> b) {
            b.f2.forEach((driver, status) -> a.f2.merge(driver, status, Math::max));
            return Tuple3.of(a.f0 + b.f0, a.f1 + b.f1, a.f2);
        }
    }

    /** Adds the zone and the window to the counts, for the windows that hold an input of the zone. */
    static final class ToZoneSurge
            extends ProcessWindowFunction<Tuple3<Long, Long, Long>, ZoneSurge, String, TimeWindow> {
        private final Clock clock;

        ToZoneSurge(Clock clock) {
            this.clock = clock;
        }

        @Override
        public void process(
                String zone, Context context, Iterable<Tuple3<Long, Long, Long>> counts, Collector<ZoneSurge> out) {
            Tuple3<Long, Long, Long> c = counts.iterator().next();
            if (c.f2 == 0) {
                return;
            }
            out.collect(ZoneSurge.counted(
                    zone, context.window().getStart(), context.window().getEnd(), c.f0, c.f1, clock.millis()));
        }
    }
}
