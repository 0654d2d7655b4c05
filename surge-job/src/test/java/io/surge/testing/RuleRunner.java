package io.surge.testing;

import io.surge.alerts.Alerting;
import io.surge.alerts.RuleSets;
import io.surge.alerts.ZoneAlert;
import io.surge.config.SurgeConfig;
import io.surge.event.ZoneEvent;
import io.surge.pricing.ZoneSurge;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;

/**
 * Runs alert rules on hand-made zone events and surge results, in event time on a Flink MiniCluster at parallelism 1:
 * records arrive in the order given, with a watermark after each one, 5 s behind the largest time seen.
 */
public final class RuleRunner {

    private static final Duration BOUND = Duration.ofSeconds(5);

    private RuleRunner() {}

    /** @param ruleFiles the rules, as version 0 */
    public static List<ZoneAlert> alerts(List<Path> ruleFiles, List<ZoneEvent> events, List<ZoneSurge> surges)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        DataStream<ZoneEvent> zoneEvents = fromRecords(env, events, ZoneEvent.class)
                .assignTimestampsAndWatermarks(
                        new WatermarkOnEveryEvent<>(WatermarkStrategy.<ZoneEvent>forBoundedOutOfOrderness(BOUND)
                                .withTimestampAssigner((event, ts) -> event.eventTime())));
        // surge results carry the timestamp the window operator gives them: the window's last millisecond
        DataStream<ZoneSurge> multipliers = fromRecords(env, surges, ZoneSurge.class)
                .assignTimestampsAndWatermarks(
                        new WatermarkOnEveryEvent<>(WatermarkStrategy.<ZoneSurge>forBoundedOutOfOrderness(BOUND)
                                .withTimestampAssigner((surge, ts) -> surge.windowEnd() - 1)));
        DataStream<ZoneAlert> alerts = Alerting.attach(
                zoneEvents.keyBy(ZoneEvent::zoneId),
                multipliers,
                RuleSets.fixed(env, List.of(RuleVersions.version(0, Long.MIN_VALUE, ruleFiles))),
                SurgeConfig.defaults().rules().timeBucket(),
                () -> 7L);
        List<ZoneAlert> raised = new ArrayList<>();
        try (CloseableIterator<ZoneAlert> results = alerts.executeAndCollect("rules")) {
            results.forEachRemaining(raised::add);
        }
        return raised;
    }

    /** Flink's collection source refuses an empty collection; an empty input is a filtered-out placeholder. */
    @SuppressWarnings("unchecked")
    private static <T> DataStream<T> fromRecords(StreamExecutionEnvironment env, List<T> records, Class<T> type) {
        if (!records.isEmpty()) {
            return env.fromData(records, TypeInformation.of(type));
        }
        T placeholder =
                (T) (type == ZoneEvent.class ? Events.ride("none").at(0) : ZoneSurge.counted("none", 0, 0, 0, 0, 0));
        return env.fromData(List.of(placeholder), TypeInformation.of(type)).filter(record -> false);
    }
}
