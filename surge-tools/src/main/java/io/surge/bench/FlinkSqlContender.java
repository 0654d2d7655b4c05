package io.surge.bench;

import io.surge.SurgeJob;
import io.surge.SurgePipeline;
import io.surge.alerts.Episode;
import io.surge.alerts.ZoneAlert;
import io.surge.alerts.ZoneEpisodes;
import io.surge.avro.Severity;
import io.surge.config.SurgeConfig;
import io.surge.event.ZoneEvent;
import io.surge.io.kafka.KafkaEndpoints;
import io.surge.pricing.ZoneSurge;
import io.surge.time.Clock;
import java.io.Serializable;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.Collector;

/**
 * Surge's multipliers and the alerts SQL can express, as a Flink SQL user would write them: hopping-window
 * table-valued functions, mini-batch and two-phase aggregation on, and {@code MATCH_RECOGNIZE} over the windows'
 * output. Same input, decoding, validation, watermarks and output topics as surge.
 *
 * <p>Supply counts each driver's latest status in the window, in one zone: the query reads surge's zone events, with
 * the notes of where drivers were ({@code DriverWhereabouts}), and aggregates twice: per zone, window and driver (the
 * latest status or note, packed as surge packs them: {@code event_time * 4 + 0 available, 1 unavailable, 2
 * elsewhere}, available when a multiple of 4), then per zone and window, through a tumbling window over the first
 * level's window time (cascading windows). A window whose only rows are notes is no result, as in surge.
 *
 * <p>The shipped rules on multipliers, {@code surge-spike} and {@code supply-collapse}, are written below as
 * {@code MATCH_RECOGNIZE} patterns on the raw ratio, which the benchmark's surge publishes as its price
 * ({@code Bench#RAW_PRICES}), so that the two raise the same alerts: a followed-by step is {@code other*?} (any rows, as few as possible) before it,
 * and the default after-match strategy is {@code SKIP PAST LAST ROW}. Their episodes are not SQL: whether a match
 * opens one depends on the matches before it, so they run as a keyed function on the matches, surge's own
 * {@link ZoneEpisodes}. The third,
 * {@code driver-exodus} (five different drivers within 10 s), cannot be written: a pattern variable's condition can
 * use aggregates of the rows matched so far, but Flink SQL refuses DISTINCT aggregates there, and nothing else says
 * that a driver is not among them.
 */
final class FlinkSqlContender {

    private static final String QUERY = """
            WITH per_driver AS (
              SELECT zone_id, window_time AS hop_time,
                     SUM(CASE WHEN driver_id IS NULL THEN 1 ELSE 0 END) AS demand,
                     SUM(CASE WHEN elsewhere THEN 0 ELSE 1 END) AS inputs,
                     MAX(CASE WHEN driver_id IS NULL THEN CAST(NULL AS BIGINT)
                              WHEN elsewhere THEN event_time * 4 + 2
                              ELSE event_time * 4 + CASE WHEN available THEN 0 ELSE 1 END END) AS status
              FROM TABLE(HOP(TABLE zone_events, DESCRIPTOR(rowtime), INTERVAL '%1$d' SECOND, INTERVAL '%2$d' SECOND))
              GROUP BY zone_id, window_start, window_end, window_time, COALESCE(driver_id, '')
            ), per_zone AS (
              SELECT zone_id, window_end, window_time, CAST(SUM(demand) AS BIGINT) AS demand,
                     SUM(inputs) AS inputs,
                     CAST(SUM(CASE WHEN MOD(status, 4) = 0 THEN 1 ELSE 0 END) AS BIGINT) AS supply
              FROM TABLE(TUMBLE(TABLE per_driver, DESCRIPTOR(hop_time), INTERVAL '%1$d' SECOND))
              GROUP BY zone_id, window_start, window_end, window_time
            )
            SELECT zone_id, window_end, window_time, demand, supply,
                   CASE WHEN demand = 0 THEN 1.0 WHEN supply = 0 THEN 5.0
                        ELSE LEAST(5.0, GREATEST(1.0, CAST(demand AS DOUBLE) / supply)) END AS multiplier
            FROM per_zone
            WHERE inputs > 0
            """;

    /** A rule as a {@code MATCH_RECOGNIZE} over the multipliers: its first and last step's window ends. */
    private record SqlRule(String name, Severity severity, Duration within, Duration resolveAfter, String pattern)
            implements Serializable {}

    private static final List<SqlRule> RULES = List.of(
            new SqlRule("surge-spike", Severity.WARNING, Duration.ofSeconds(30), Duration.ofMinutes(5), """
                    MEASURES FIRST(calm.window_end) AS first_end, LAST(spike.window_end) AS last_end
                    ONE ROW PER MATCH
                    AFTER MATCH SKIP PAST LAST ROW
                    PATTERN (calm other*? spike) WITHIN INTERVAL '30' SECOND
                    DEFINE calm AS calm.multiplier <= 1.5, spike AS spike.multiplier >= 2.0 AND spike.demand >= 10
                    """),
            new SqlRule("supply-collapse", Severity.CRITICAL, Duration.ofSeconds(15), Duration.ofMinutes(5), """
                    MEASURES FIRST(healthy.window_end) AS first_end, LAST(collapsed.window_end) AS last_end
                    ONE ROW PER MATCH
                    AFTER MATCH SKIP PAST LAST ROW
                    PATTERN (healthy other*? collapsed) WITHIN INTERVAL '15' SECOND
                    DEFINE healthy AS healthy.supply >= 5, collapsed AS collapsed.supply <= 0.3 * healthy.supply
                    """));

    /** The rules both surge and this contender compute, whose alerts the benchmark compares. */
    static final Set<String> RULE_NAMES = RULES.stream().map(SqlRule::name).collect(Collectors.toSet());

    private FlinkSqlContender() {}

    static void build(StreamExecutionEnvironment env, SurgeConfig config) {
        int schemaId = Contenders.prepareMultipliers(config);
        Clock clock = Clock.system();
        StreamTableEnvironment tables = StreamTableEnvironment.create(env);
        // windows aligned to the epoch in UTC, as surge's
        tables.getConfig().set("table.local-time-zone", "UTC");
        tables.getConfig().set("table.exec.mini-batch.enabled", "true");
        tables.getConfig().set("table.exec.mini-batch.allow-latency", "1 s");
        tables.getConfig().set("table.exec.mini-batch.size", "5000");
        tables.getConfig().set("table.optimizer.agg-phase-strategy", "TWO_PHASE");

        var inputs = SurgeJob.inputs(
                env, config, KafkaEndpoints.inputs(config.kafkaJob(), SurgeJob.validation(config, clock)), clock);
        var events = SurgePipeline.zoneEvents(SurgePipeline.accepted(inputs), config)
                .map(
                        FlinkSqlContender::row,
                        Types.ROW_NAMED(
                                new String[] {"zone_id", "driver_id", "available", "elsewhere", "event_time"},
                                Types.STRING,
                                Types.STRING,
                                Types.BOOLEAN,
                                Types.BOOLEAN,
                                Types.LONG));
        tables.createTemporaryView(
                "zone_events",
                tables.fromDataStream(
                        events,
                        Schema.newBuilder()
                                .columnByMetadata("rowtime", "TIMESTAMP_LTZ(3)")
                                .watermark("rowtime", "SOURCE_WATERMARK()")
                                .build()));
        long slideSeconds = config.window().slideMillis() / 1000;
        long sizeSeconds = config.window().sizeMillis() / 1000;
        // Computed once, and read as a table again by the rules: a view would be planned anew for every conversion to
        // a DataStream, so the windows ran three times, once for the sink and once for each rule (JFR: three
        // GlobalWindowAggregate chains). The stream's records carry window_time as their timestamp.
        DataStream<Row> windows = tables.toDataStream(tables.sqlQuery(String.format(QUERY, slideSeconds, sizeSeconds)));
        tables.createTemporaryView(
                "multipliers",
                tables.fromDataStream(
                        windows,
                        Schema.newBuilder()
                                .columnByMetadata("rowtime", "TIMESTAMP_LTZ(3)")
                                .watermark("rowtime", "SOURCE_WATERMARK()")
                                .build()));
        long sizeMillis = config.window().sizeMillis();
        windows.map(
                        row -> {
                            long end = epochMillis(row.getFieldAs("window_end"));
                            long demand = row.<Long>getFieldAs("demand");
                            long supply = row.<Long>getFieldAs("supply");
                            return ZoneSurge.counted(
                                    row.getFieldAs("zone_id"), end - sizeMillis, end, demand, supply, clock.millis());
                        },
                        TypeInformation.of(ZoneSurge.class))
                .sinkTo(KafkaEndpoints.multipliers(config.kafkaJob(), schemaId));

        DataStream<ZoneAlert> alerts = null;
        for (SqlRule rule : RULES) {
            Table matches = tables.sqlQuery("SELECT zone_id, first_end, last_end FROM multipliers MATCH_RECOGNIZE ("
                    + " PARTITION BY zone_id ORDER BY rowtime " + rule.pattern() + ")");
            DataStream<ZoneAlert> raised = tables.toDataStream(matches)
                    .map(
                            row -> alert(
                                    rule,
                                    row.getFieldAs("zone_id"),
                                    epochMillis(row.getFieldAs("first_end")),
                                    epochMillis(row.getFieldAs("last_end")),
                                    clock),
                            ZoneAlert.TYPE)
                    .keyBy(ZoneAlert::zoneId)
                    .process(new Episodes(rule, clock), ZoneAlert.TYPE);
            alerts = alerts == null ? raised : alerts.union(raised);
        }
        alerts.sinkTo(KafkaEndpoints.alerts(config.kafkaJob(), Contenders.prepareAlerts(config)));
    }

    private static ZoneAlert alert(SqlRule rule, String zone, long first, long last, Clock clock) {
        return ZoneAlert.firing(
                rule.name() + "-" + zone + "-" + first + "-" + last,
                rule.name(),
                rule.severity(),
                zone,
                first,
                last,
                rule.name() + " in " + zone,
                Map.of(),
                clock.millis(),
                0);
    }

    /**
     * A rule's episodes per zone, as surge makes them: each resolves once no match can continue it any more, the
     * rule's window after it {@link Episode#resolvesAt resolves}.
     */
    private static final class Episodes extends KeyedProcessFunction<String, ZoneAlert, ZoneAlert> {
        private static final long serialVersionUID = 1L;
        private final String rule;
        private final long withinMillis;
        private final long resolveAfterMillis;
        private final Clock clock;
        private transient ValueState<Map<String, Episode>> open;

        Episodes(SqlRule rule, Clock clock) {
            this.rule = rule.name();
            this.withinMillis = rule.within().toMillis();
            this.resolveAfterMillis = rule.resolveAfter().toMillis();
            this.clock = clock;
        }

        @Override
        public void open(OpenContext openContext) {
            open = getRuntimeContext()
                    .getState(new ValueStateDescriptor<>("episodes", Types.MAP(Types.STRING, Episode.TYPE)));
        }

        @Override
        public void processElement(ZoneAlert match, Context ctx, Collector<ZoneAlert> out) throws Exception {
            ZoneEpisodes episodes = new ZoneEpisodes(open.value(), clock);
            Episode episode = episodes.continueWith(rule, match.lastEventTime(), resolveAfterMillis, withinMillis + 1);
            if (episode == null) {
                episodes.open(match, resolveAfterMillis, withinMillis + 1).forEach(out::collect);
                episode = episodes.episode(rule);
            }
            ctx.timerService().registerEventTimeTimer(episode.settledAt());
            open.update(episodes.values());
        }

        @Override
        public void onTimer(long timestamp, OnTimerContext ctx, Collector<ZoneAlert> out) throws Exception {
            ZoneEpisodes episodes = new ZoneEpisodes(open.value(), clock);
            episodes.resolveBy(timestamp).forEach(out::collect);
            if (episodes.changed()) {
                open.update(episodes.values());
            }
        }
    }

    private static long epochMillis(LocalDateTime utc) {
        return utc.toInstant(ZoneOffset.UTC).toEpochMilli();
    }

    private static Row row(ZoneEvent event) {
        return Row.of(
                event.zoneId(),
                event.driverId(),
                event.available(),
                event.kind() == ZoneEvent.Kind.DRIVER_ELSEWHERE,
                event.eventTime());
    }
}
