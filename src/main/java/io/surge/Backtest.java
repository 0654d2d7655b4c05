package io.surge;

import io.surge.alerts.AlertRule;
import io.surge.alerts.ZoneAlert;
import io.surge.config.SurgeConfig;
import io.surge.event.Ingested;
import io.surge.time.Clock;
import io.surge.time.EventTimeWatermarks;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;

/**
 * Recorded inputs replayed through the surge pipeline and a set of rules, in Flink's batch execution mode: each zone's
 * records are processed in event-time order, so the alerts are those the rules raise when nothing arrives late.
 */
public final class Backtest {

    private Backtest() {}

    public static List<ZoneAlert> alerts(List<Ingested> inputs, SurgeConfig config, List<AlertRule> rules) throws Exception {
        Configuration flink = new Configuration();
        flink.set(ExecutionOptions.RUNTIME_MODE, RuntimeExecutionMode.BATCH);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        DataStream<Ingested> replay = env.fromData(inputs, TypeInformation.of(Ingested.class))
                .assignTimestampsAndWatermarks(EventTimeWatermarks.strategy(config.watermarks().outOfOrderness(), config.watermarks().idleness()))
                .name("Recorded inputs");
        Optional<DataStream<ZoneAlert>> alerts = SurgePipeline.build(replay, config, rules, Clock.system()).alerts();
        List<ZoneAlert> raised = new ArrayList<>();
        if (alerts.isEmpty()) {
            return raised;
        }
        try (CloseableIterator<ZoneAlert> results = alerts.get().executeAndCollect("surge-backtest")) {
            results.forEachRemaining(raised::add);
        }
        raised.sort((a, b) -> Long.compare(a.lastEventTime(), b.lastEventTime()));
        return raised;
    }
}
