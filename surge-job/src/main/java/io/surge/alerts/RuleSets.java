package io.surge.alerts;

import java.util.List;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The alert rules a job runs: the versions known when it is built ({@code alerts.dir} as version 0, and those already
 * deployed), the versions deployed while it runs, and the keys a deployed version must be signed by.
 */
public record RuleSets(List<RuleSetVersion> known, DataStream<RuleSetVersion> deployed, TrustedKeys trusted) {

    public RuleSets {
        known = List.copyOf(known);
    }

    /** Versions fixed for the job's life: nothing is deployed while it runs, as in a backtest or a test. */
    public static RuleSets fixed(StreamExecutionEnvironment env, List<RuleSetVersion> known) {
        // Flink's collection source refuses an empty collection: an empty stream is a filtered-out placeholder
        DataStream<RuleSetVersion> none = env.fromData(RuleSetVersion.TYPE, known.get(0))
                .filter(version -> false)
                .name("No rule set deployed while running")
                .uid("no-rule-sets");
        return new RuleSets(known, none, TrustedKeys.ANYONE);
    }
}
