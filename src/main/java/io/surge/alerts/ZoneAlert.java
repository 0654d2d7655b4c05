package io.surge.alerts;

import io.surge.avro.Severity;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * An anomaly a rule found in one zone: what {@code surge-alerts} carries. Times are epoch milliseconds UTC.
 *
 * @param alertId derived from the rule, the zone and the match, so the same match always has the same id
 * @param details each step's last record's fields as {@code step.field}, and {@code step.count}
 * @param ruleSetVersion the version of the rule set whose rule raised it; 0 for the job's {@code alerts.dir}
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
        long ruleSetVersion) {

    /** Its Flink type: a POJO whose details map has a map serializer rather than Kryo. */
    public static final TypeInformation<ZoneAlert> TYPE =
            Types.POJO(ZoneAlert.class, Map.of(
                    "alertId", Types.STRING,
                    "rule", Types.STRING,
                    "severity", Types.ENUM(Severity.class),
                    "zoneId", Types.STRING,
                    "firstEventTime", Types.LONG,
                    "lastEventTime", Types.LONG,
                    "summary", Types.STRING,
                    "details", Types.MAP(Types.STRING, Types.STRING),
                    "detectedAt", Types.LONG,
                    "ruleSetVersion", Types.LONG));
}
