package io.surge.backtest;

import io.surge.SurgePipeline;
import io.surge.alerts.RuleSetVersion;
import io.surge.alerts.RuleSets;
import io.surge.alerts.ZoneAlert;
import io.surge.config.SurgeConfig;
import io.surge.event.Ingested;
import io.surge.time.Clock;
import io.surge.time.EventTimeWatermarks;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;

/**
 * Recorded inputs replayed through the surge pipeline and rule set versions in event-time order, each record under
 * the version in force at its time: the alerts are those the live job raises when nothing arrives late.
 *
 * <p>The replay is a bounded streaming job, not a batch one: Flink's batch execution drops every timer registered
 * from a timer callback ("Timer service is quiesced"), and both the windows (the next window of a zone is due from
 * the one just emitted) and the rules (a partial match's timeout, an episode's end) register theirs there. In batch,
 * a zone's windows whose last slice held none of its records (after a pause in its traffic, and its last windows)
 * were never emitted.
 */
public final class Backtest {

    private Backtest() {}

    /** @param versions the rule set versions, each in force from its {@code effectiveFrom}; version 0 first */
    public static List<ZoneAlert> alerts(List<Ingested> inputs, SurgeConfig config, List<RuleSetVersion> versions)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        DataStream<Ingested> replay = env.fromData(inEventTimeOrder(inputs), TypeInformation.of(Ingested.class))
                .assignTimestampsAndWatermarks(EventTimeWatermarks.strategy(config.watermarks(), Clock.system()))
                .name("Recorded inputs");
        DataStream<ZoneAlert> alerts = SurgePipeline.build(
                        replay, config, RuleSets.fixed(env, versions), Clock.system())
                .alerts();
        List<ZoneAlert> raised = new ArrayList<>();
        try (CloseableIterator<ZoneAlert> results = alerts.executeAndCollect("surge-backtest")) {
            results.forEachRemaining(raised::add);
        }
        raised.sort(Comparator.comparingLong(ZoneAlert::occurredAt));
        return raised;
    }

    /** One source reading them sorted, so that the watermark never passes a record: none is late. */
    private static List<Ingested> inEventTimeOrder(List<Ingested> inputs) {
        List<Ingested> sorted = new ArrayList<>(inputs);
        // rejected inputs have no event time of their own; they only go to the dead letters
        sorted.sort(Comparator.comparingLong(
                input -> input.isAccepted() ? input.event().eventTime() : Long.MIN_VALUE));
        return sorted;
    }
}
