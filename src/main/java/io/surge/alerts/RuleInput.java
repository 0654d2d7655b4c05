package io.surge.alerts;

import dev.cel.common.types.CelType;
import dev.cel.common.types.SimpleType;
import io.surge.event.ZoneEvent;
import io.surge.pricing.ZoneSurge;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The streams a rule can watch, the fields their conditions can use and each field's type. Numbers that rules compute
 * with are doubles, so that {@code supply <= 0.3 * healthy.supply} type-checks.
 */
public enum RuleInput {
    /** Raw per-zone ride requests and driver statuses. */
    ZONE_EVENTS("zone-events", ZoneEvent.class, Map.of(
            "zone_id", SimpleType.STRING,
            "event_time", SimpleType.INT,
            "kind", SimpleType.STRING,
            "driver_id", SimpleType.STRING,
            "available", SimpleType.BOOL)),
    /** The per-zone surge of each window, as it is emitted. */
    MULTIPLIERS("multipliers", ZoneSurge.class, Map.of(
            "zone_id", SimpleType.STRING,
            "window_start", SimpleType.INT,
            "window_end", SimpleType.INT,
            "demand", SimpleType.DOUBLE,
            "supply", SimpleType.DOUBLE,
            "multiplier", SimpleType.DOUBLE));

    private final String wireName;
    private final Class<?> recordType;
    private final Map<String, CelType> fields;

    RuleInput(String wireName, Class<?> recordType, Map<String, CelType> fields) {
        this.wireName = wireName;
        this.recordType = recordType;
        this.fields = fields;
    }

    public String wireName() {
        return wireName;
    }

    public Class<?> recordType() {
        return recordType;
    }

    public Map<String, CelType> fields() {
        return fields;
    }

    /** The record's fields by name, as CEL values (Long, Double, String, Boolean). */
    public Map<String, Object> values(Object record) {
        Map<String, Object> values = new LinkedHashMap<>();
        if (record instanceof ZoneEvent event) {
            values.put("zone_id", event.zoneId());
            values.put("event_time", event.eventTime());
            values.put("kind", event.kind().name());
            values.put("driver_id", event.driverId() == null ? "" : event.driverId());
            values.put("available", event.available());
        } else {
            ZoneSurge surge = (ZoneSurge) record;
            values.put("zone_id", surge.zoneId());
            values.put("window_start", surge.windowStart());
            values.put("window_end", surge.windowEnd());
            values.put("demand", (double) surge.demand());
            values.put("supply", (double) surge.supply());
            values.put("multiplier", surge.multiplier());
        }
        return values;
    }

    /** When the record happened: an event's time, or the end of a surge window. */
    public long eventTime(Object record) {
        return record instanceof ZoneEvent event ? event.eventTime() : ((ZoneSurge) record).windowEnd();
    }

    public static RuleInput byWireName(String name) {
        for (RuleInput input : values()) {
            if (input.wireName.equals(name)) {
                return input;
            }
        }
        return null;
    }
}
