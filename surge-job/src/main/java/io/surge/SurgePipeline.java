package io.surge;

import io.surge.alerts.Alerting;
import io.surge.alerts.RuleSets;
import io.surge.alerts.ZoneAlert;
import io.surge.config.SurgeConfig;
import io.surge.event.DivertedRecord;
import io.surge.event.Ingested;
import io.surge.event.Reason;
import io.surge.event.ZoneEvent;
import io.surge.pricing.DriverWhereabouts;
import io.surge.pricing.PoolShare;
import io.surge.pricing.PublishPrices;
import io.surge.pricing.ShareWithNeighbours;
import io.surge.pricing.SlicedSurgeWindows;
import io.surge.pricing.ZoneSurge;
import io.surge.time.Clock;
import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The surge dataflow, with no I/O: ingested inputs in; multipliers, alerts, late events and dead letters out.
 *
 * <pre>
 *   inputs ─▶ divert rejected ────── ride requests ─────┬─▶ zone events, ─┬─▶ surge windows ─┬─▶ late events
 *                │      │                               │   keyed by zone │                  │ each result to its
 *                │      └─ driver statuses ─▶ driver ───┘                 │                  ▼ zone and neighbours
 *                ▼                            whereabouts,                │            publish prices,
 *           dead letters                      keyed by driver             │            keyed by zone ───▶ multipliers
 *                                                                         │                  │
 *                                                                         └─▶ alert rules ◀──┘
 *                                                                               │   ▲
 *                                                                      alerts ◀─┘   rule set versions (broadcast)
 * </pre>
 *
 * Driver statuses pass a step keyed by driver that tells the zones where each driver was, so that a window counts a
 * driver in one zone ({@link DriverWhereabouts}). Each input carries the watermark it met on entering the job, which
 * decides the windows it counts in wherever it goes, so the two paths to the zones need not keep its order. The zone
 * events are keyed once; the surge windows and the rules on zone events share that keyed stream, and the rules on
 * multipliers read the published prices, which stay partitioned by zone. Each counted result goes to its zone and to
 * its neighbours, which pool it into their prices ({@link PublishPrices}).
 */
public final class SurgePipeline {

    static final OutputTag<DivertedRecord> DEAD_LETTERS =
            new OutputTag<>("dead-letters", TypeInformation.of(DivertedRecord.class));
    static final OutputTag<ZoneEvent> DRIVER_STATUSES =
            new OutputTag<>("driver-statuses", TypeInformation.of(ZoneEvent.class));

    private SurgePipeline() {}

    /**
     * The streams the pipeline produces; sinks attach to these.
     *
     * @param alerts every alert the rules write: the episodes their matches open and resolve
     */
    public record Outputs(
            DataStream<ZoneSurge> multipliers,
            DataStream<ZoneAlert> alerts,
            DataStream<DivertedRecord> lateEvents,
            DataStream<DivertedRecord> deadLetters) {}

    /**
     * @param inputs ride requests and driver statuses as the sources ingested them, with event-time timestamps and
     *     watermarks already assigned
     * @param rules the alert rules, run on the same per-zone streams, in the rule set version of each record's time
     */
    public static Outputs build(DataStream<Ingested> inputs, SurgeConfig config, RuleSets rules, Clock clock) {
        SingleOutputStreamOperator<ZoneEvent> accepted = accepted(inputs);
        KeyedStream<ZoneEvent, String> zoneEvents = zoneEvents(accepted, config);

        SingleOutputStreamOperator<ZoneSurge> counted = zoneEvents
                .transform(
                        "Surge windows per zone",
                        TypeInformation.of(ZoneSurge.class),
                        new SlicedSurgeWindows(config.window(), clock))
                .uid("surge-windows");
        DataStream<ZoneSurge> published = published(counted, config, clock);

        return new Outputs(
                published,
                Alerting.attach(zoneEvents, published, rules, config.rules().timeBucket(), clock),
                counted.getSideOutput(SlicedSurgeWindows.LATE),
                accepted.getSideOutput(DEAD_LETTERS));
    }

    /** The prices of the counted results, each zone's pooled with its neighbours' ({@link PublishPrices}). */
    static DataStream<ZoneSurge> published(DataStream<ZoneSurge> counted, SurgeConfig config, Clock clock) {
        return counted.flatMap(new ShareWithNeighbours())
                .name("Share with neighbouring zones")
                .uid("share-with-neighbours")
                .keyBy(PoolShare::zoneId)
                .transform(
                        "Publish prices",
                        TypeInformation.of(ZoneSurge.class),
                        new PublishPrices(config.window(), config.pricing(), clock))
                .uid("publish-prices");
    }

    /** The valid inputs; the others go to the {@link #DEAD_LETTERS} side output. */
    public static SingleOutputStreamOperator<ZoneEvent> accepted(DataStream<Ingested> inputs) {
        return inputs.process(new DivertRejected())
                .name("Divert rejected inputs")
                .uid("divert-rejected-inputs")
                // beside its source, whatever that source's parallelism: a per-record split needs no shuffle
                .setParallelism(inputs.getParallelism());
    }

    /** The {@link #accepted} inputs and the notes of where drivers were, keyed by zone. */
    public static KeyedStream<ZoneEvent, String> zoneEvents(
            SingleOutputStreamOperator<ZoneEvent> accepted, SurgeConfig config) {
        DataStream<ZoneEvent> driverStatusesAndWhereabouts = accepted.getSideOutput(DRIVER_STATUSES)
                .keyBy(ZoneEvent::driverId)
                .process(new DriverWhereabouts(config.window()))
                .name("Driver whereabouts")
                .uid("driver-whereabouts");
        return accepted.union(driverStatusesAndWhereabouts).keyBy(ZoneEvent::zoneId);
    }

    /**
     * Passes zone events on, ride requests as its output and driver statuses to {@link #DRIVER_STATUSES}, each with
     * the watermark it met; sends diverted inputs to the dead letters; counts both, and the latter by reason.
     */
    static final class DivertRejected extends ProcessFunction<Ingested, ZoneEvent> {
        private static final long serialVersionUID = 1L;
        private transient Counter inputs;
        private transient Counter deadLettered;
        private transient Map<Reason, Counter> deadLetteredByReason;

        @Override
        public void open(OpenContext openContext) {
            MetricGroup metrics = getRuntimeContext().getMetricGroup().addGroup("surge");
            inputs = metrics.counter("eventsIn");
            deadLettered = metrics.counter("eventsDeadLettered");
            deadLetteredByReason = new EnumMap<>(Reason.class);
            for (Reason reason : Reason.values()) {
                if (reason != Reason.LATE) {
                    deadLetteredByReason.put(
                            reason,
                            metrics.addGroup("reason", reason.wireName()).counter("deadLettered"));
                }
            }
        }

        @Override
        public void processElement(Ingested ingested, Context ctx, Collector<ZoneEvent> out) {
            inputs.inc();
            if (ingested.isAccepted()) {
                // not a checkpointed watermark: restored, that would be the highest of all source subtasks', and the
                // inputs of one that lagged behind would be taken for late; the windows judge by their own after a
                // restore
                ZoneEvent event = ingested.event().entered(ctx.timerService().currentWatermark());
                switch (event.kind()) {
                    case RIDE_REQUEST -> out.collect(event);
                    case DRIVER_STATUS -> ctx.output(DRIVER_STATUSES, event);
                    case DRIVER_ELSEWHERE -> throw new IllegalStateException("not an input: " + event);
                }
            } else {
                deadLettered.inc();
                deadLetteredByReason.get(ingested.diverted().reason()).inc();
                ctx.output(DEAD_LETTERS, ingested.diverted());
            }
        }
    }
}
