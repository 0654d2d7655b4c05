package io.surge;

import io.surge.alerts.RuleSetVersion;
import io.surge.alerts.RuleSets;
import io.surge.alerts.ZoneAlert;
import io.surge.config.SurgeConfig;
import io.surge.event.Ingested;
import io.surge.time.Clock;
import io.surge.time.EventTimeWatermarks;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;

/**
 * Recorded inputs replayed through the surge pipeline and rule set versions, in Flink's batch execution mode: each
 * zone's records are processed in event-time order, each under the version in force at its time, so the alerts are
 * those the rules raise when nothing arrives late.
 */
public final class Backtest {

    private Backtest() {}

    /** @param versions the rule set versions, each in force from its {@code effectiveFrom}; version 0 first */
    public static List<ZoneAlert> alerts(List<Ingested> inputs, SurgeConfig config, List<RuleSetVersion> versions)
            throws Exception {
        Configuration flink = new Configuration();
        flink.set(ExecutionOptions.RUNTIME_MODE, RuntimeExecutionMode.BATCH);
        // Flink's adaptive batch scheduler now and then fails to deploy the forward edge from the windows to the
        // rules on multipliers ("Expected execution ... to be in CREATED state, was: CANCELED"); the default one
        // runs the same graph at the parallelism it is given
        flink.set(JobManagerOptions.SCHEDULER, JobManagerOptions.SchedulerType.Default);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        DataStream<Ingested> replay = env.fromData(inputs, TypeInformation.of(Ingested.class))
                .assignTimestampsAndWatermarks(EventTimeWatermarks.strategy(config.watermarks().outOfOrderness(),
                        config.watermarks().idleness()))
                .name("Recorded inputs");
        DataStream<ZoneAlert> alerts =
                SurgePipeline.build(replay, config, RuleSets.fixed(env, versions), Clock.system()).alerts();
        List<ZoneAlert> raised = new ArrayList<>();
        try (CloseableIterator<ZoneAlert> results = alerts.executeAndCollect("surge-backtest")) {
            results.forEachRemaining(raised::add);
        }
        raised.sort((a, b) -> Long.compare(a.lastEventTime(), b.lastEventTime()));
        return raised;
    }
}
