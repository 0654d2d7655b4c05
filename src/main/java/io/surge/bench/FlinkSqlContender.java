package io.surge.bench;

import io.surge.SurgeJob;
import io.surge.config.SurgeConfig;
import io.surge.event.Ingested;
import io.surge.event.ZoneEvent;
import io.surge.io.kafka.KafkaEndpoints;
import io.surge.pricing.Multiplier;
import io.surge.pricing.ZoneSurge;
import io.surge.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;

/**
 * Surge's multipliers as a Flink SQL user would write them: hopping-window table-valued functions, mini-batch and
 * two-phase aggregation on. Same input, decoding, validation, watermarks and output as surge; no alert rules.
 *
 * <p>Supply counts each driver's latest status in the window, so the query aggregates twice: per zone, window and
 * driver (the latest status, packed as surge packs it: {@code event_time * 2 + unavailable}, available when even),
 * then per zone and window, through a tumbling window over the first level's window time (cascading windows).
 */
final class FlinkSqlContender {

    private static final String QUERY = """
            WITH per_driver AS (
              SELECT zone_id, window_time AS hop_time,
                     SUM(CASE WHEN driver_id IS NULL THEN 1 ELSE 0 END) AS demand,
                     MAX(CASE WHEN driver_id IS NULL THEN CAST(NULL AS BIGINT)
                              ELSE event_time * 2 + CASE WHEN available THEN 0 ELSE 1 END END) AS status
              FROM TABLE(HOP(TABLE zone_events, DESCRIPTOR(rowtime), INTERVAL '%1$d' SECOND, INTERVAL '%2$d' SECOND))
              GROUP BY zone_id, window_start, window_end, window_time, COALESCE(driver_id, '')
            )
            SELECT zone_id, window_end, CAST(SUM(demand) AS BIGINT) AS demand,
                   CAST(SUM(CASE WHEN MOD(status, 2) = 0 THEN 1 ELSE 0 END) AS BIGINT) AS supply
            FROM TABLE(TUMBLE(TABLE per_driver, DESCRIPTOR(hop_time), INTERVAL '%1$d' SECOND))
            GROUP BY zone_id, window_start, window_end
            """;

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

        var events = SurgeJob.inputs(env, config, KafkaEndpoints.inputs(config, SurgeJob.validation(config, clock)))
                .filter(Ingested::isAccepted)
                .map(ingested -> row(ingested.event()), Types.ROW_NAMED(
                        new String[] {"zone_id", "driver_id", "available", "event_time"},
                        Types.STRING, Types.STRING, Types.BOOLEAN, Types.LONG));
        tables.createTemporaryView("zone_events", tables.fromDataStream(events, Schema.newBuilder()
                .columnByMetadata("rowtime", "TIMESTAMP_LTZ(3)")
                .watermark("rowtime", "SOURCE_WATERMARK()")
                .build()));
        long slideSeconds = config.window().slideMillis() / 1000;
        long sizeSeconds = config.window().sizeMillis() / 1000;
        Table multipliers = tables.sqlQuery(String.format(QUERY, slideSeconds, sizeSeconds));
        long sizeMillis = config.window().sizeMillis();
        tables.toDataStream(multipliers)
                .map(row -> {
                    long end = row.<LocalDateTime>getFieldAs("window_end").toInstant(ZoneOffset.UTC).toEpochMilli();
                    long demand = row.<Long>getFieldAs("demand");
                    long supply = row.<Long>getFieldAs("supply");
                    return new ZoneSurge(row.getFieldAs("zone_id"), end - sizeMillis, end, demand, supply,
                            Multiplier.of(demand, supply), clock.millis());
                }, TypeInformation.of(ZoneSurge.class))
                .sinkTo(KafkaEndpoints.multipliers(config, schemaId));
    }

    private static Row row(ZoneEvent event) {
        return Row.of(event.zoneId(), event.driverId(), event.available(),
                event.eventTime());
    }
}
