package io.surge.alerts;

import io.surge.avro.AlertStatus;
import io.surge.avro.Severity;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * A record of {@code surge-alerts}: an episode of an anomaly a rule found in one zone, opening ({@code FIRING}) or
 * ending ({@code RESOLVED}). Times are epoch milliseconds UTC.
 *
 * @param alertId derived from the rule, the zone and the match (and for {@code RESOLVED}, the episode), so the same
 *     record always has the same id
 * @param firstEventTime the first event of the match that opened the episode
 * @param lastEventTime the last event of the episode's latest match
 * @param details each step's last record's fields as {@code step.field}, and {@code step.count}, of the opening match
 * @param ruleSetVersion the version of the rule set whose rule opened the episode; 0 for the job's {@code alerts.dir}
 * @param episodeId the {@code alertId} of the episode's {@code FIRING} record
 * @param resolvedAt on {@code RESOLVED}, the event time the episode ended; null on {@code FIRING}
 * @param episodeMatches the matches the episode held when this record was written
 */
public record ZoneAlert(
        String alertId,
        String rule,
        Severity severity,
        String zoneId,
        long firstEventTime,
        long lastEventTime,
        String summary,
        Map<String, String> details,
        long detectedAt,
        long ruleSetVersion,
        AlertStatus status,
        String episodeId,
        Long resolvedAt,
        int episodeMatches) {

    /** Its Flink type: a POJO whose details map has a map serializer rather than Kryo. */
    public static final TypeInformation<ZoneAlert> TYPE = Types.POJO(
            ZoneAlert.class,
            Map.ofEntries(
                    Map.entry("alertId", Types.STRING),
                    Map.entry("rule", Types.STRING),
                    Map.entry("severity", Types.ENUM(Severity.class)),
                    Map.entry("zoneId", Types.STRING),
                    Map.entry("firstEventTime", Types.LONG),
                    Map.entry("lastEventTime", Types.LONG),
                    Map.entry("summary", Types.STRING),
                    Map.entry("details", Types.MAP(Types.STRING, Types.STRING)),
                    Map.entry("detectedAt", Types.LONG),
                    Map.entry("ruleSetVersion", Types.LONG),
                    Map.entry("status", Types.ENUM(AlertStatus.class)),
                    Map.entry("episodeId", Types.STRING),
                    Map.entry("resolvedAt", Types.LONG),
                    Map.entry("episodeMatches", Types.INT)));

    /** A match's alert, which opens an episode: its id is the episode's. */
    public static ZoneAlert firing(
            String alertId,
            String rule,
            Severity severity,
            String zoneId,
            long firstEventTime,
            long lastEventTime,
            String summary,
            Map<String, String> details,
            long detectedAt,
            long ruleSetVersion) {
        return new ZoneAlert(
                alertId,
                rule,
                severity,
                zoneId,
                firstEventTime,
                lastEventTime,
                summary,
                details,
                detectedAt,
                ruleSetVersion,
                AlertStatus.FIRING,
                alertId,
                null,
                1);
    }

    /** The event time it speaks of: when a {@code FIRING} match ended, or a {@code RESOLVED} episode. */
    public long occurredAt() {
        return resolved() ? resolvedAt : lastEventTime;
    }

    /** Whether this record ends its episode. */
    public boolean resolved() {
        return status == AlertStatus.RESOLVED;
    }
}
