package io.surge.alerts;

import dev.cel.common.types.CelType;
import dev.cel.common.types.SimpleType;
import io.surge.event.RecordOrigin;
import io.surge.event.ZoneEvent;
import io.surge.pricing.ZoneSurge;
import java.util.Comparator;
import java.util.Map;

/**
 * The streams a rule can watch, the fields their conditions can use and each field's type. Numbers that rules compute
 * with are doubles, so that {@code supply <= 0.3 * healthy.supply} type-checks.
 */
public enum RuleInput {
    /** Raw per-zone ride requests and driver statuses. */
    ZONE_EVENTS(
            "zone-events",
            Map.of(
                    "zone_id", SimpleType.STRING,
                    "event_time", SimpleType.INT,
                    "kind", SimpleType.STRING,
                    "driver_id", SimpleType.STRING,
                    "available", SimpleType.BOOL)),
    /**
     * The per-zone surge of each window as it is published: {@code multiplier} is the price, {@code raw_multiplier} the
     * zone's own ratio, {@code pooled_demand} and {@code pooled_supply} the counts the price was made from.
     */
    MULTIPLIERS(
            "multipliers",
            Map.of(
                    "zone_id", SimpleType.STRING,
                    "window_start", SimpleType.INT,
                    "window_end", SimpleType.INT,
                    "demand", SimpleType.DOUBLE,
                    "supply", SimpleType.DOUBLE,
                    "multiplier", SimpleType.DOUBLE,
                    "raw_multiplier", SimpleType.DOUBLE,
                    "pooled_demand", SimpleType.DOUBLE,
                    "pooled_supply", SimpleType.DOUBLE));

    private final String wireName;
    private final Map<String, CelType> fields;

    RuleInput(String wireName, Map<String, CelType> fields) {
        this.wireName = wireName;
        this.fields = fields;
    }

    public String wireName() {
        return wireName;
    }

    public Map<String, CelType> fields() {
        return fields;
    }

    /** One field of the record as a CEL value (Long, Double, String, Boolean). */
    public Object value(Object record, String field) {
        if (this == ZONE_EVENTS) {
            ZoneEvent event = (ZoneEvent) record;
            return switch (field) {
                case "zone_id" -> event.zoneId();
                case "event_time" -> event.eventTime();
                case "kind" -> event.kind().name();
                case "driver_id" -> event.driverId() == null ? "" : event.driverId();
                case "available" -> event.available();
                default -> throw new IllegalArgumentException("zone events have no field " + field);
            };
        }
        ZoneSurge surge = (ZoneSurge) record;
        return switch (field) {
            case "zone_id" -> surge.zoneId();
            case "window_start" -> surge.windowStart();
            case "window_end" -> surge.windowEnd();
            case "demand" -> (double) surge.demand();
            case "supply" -> (double) surge.supply();
            case "multiplier" -> surge.multiplier();
            case "raw_multiplier" -> surge.rawMultiplier();
            case "pooled_demand" -> surge.pooledDemand();
            case "pooled_supply" -> surge.pooledSupply();
            default -> throw new IllegalArgumentException("multipliers have no field " + field);
        };
    }

    /**
     * What tells the record apart from every other record of its zone, the same in every replay: an event's source
     * topic, partition and offset, a window's end.
     */
    public String identity(Object record) {
        if (this == ZONE_EVENTS) {
            RecordOrigin origin = ((ZoneEvent) record).origin();
            return origin == null
                    ? "event@" + eventTime(record)
                    : origin.topic() + "/" + origin.partition() + "@" + origin.offset();
        }
        return "window@" + ((ZoneSurge) record).windowEnd();
    }

    /**
     * The record as the rules keep it until it can no longer take part in a match: a zone event without its source
     * bytes, which no rule reads ({@link #identity} needs its coordinates only).
     */
    @SuppressWarnings("unchecked")
    public <T> T kept(T record) {
        return this == ZONE_EVENTS ? (T) ((ZoneEvent) record).withoutSourceBytes() : record;
    }

    /**
     * Whether the rules see the record: not a note that a driver was elsewhere, which the zone events carry for the
     * windows. Dropped where the rules run rather than by a filter before them, which would be a task and a network
     * hop of its own in front of a two-input operator.
     */
    public boolean reaches(Object record) {
        return this != ZONE_EVENTS || ((ZoneEvent) record).kind() != ZoneEvent.Kind.DRIVER_ELSEWHERE;
    }

    /** When the record happened: an event's time, or the end of a surge window. */
    public long eventTime(Object record) {
        return this == ZONE_EVENTS ? ((ZoneEvent) record).eventTime() : ((ZoneSurge) record).windowEnd();
    }

    /**
     * The order a zone's records are matched in: by time, records of the same millisecond by where they were read
     * from. Arrival order would not do for ties: it differs between replays (source subtasks interleave differently
     * after a restart), so a replay could match other records and raise the same alert under another id.
     */
    public Comparator<Object> matchOrder() {
        Comparator<Object> byTime = Comparator.comparingLong(this::eventTime);
        if (this != ZONE_EVENTS) {
            return byTime; // one window end per zone
        }
        return byTime.thenComparing(
                record -> ((ZoneEvent) record).origin(),
                Comparator.nullsFirst(Comparator.comparing(RecordOrigin::topic)
                        .thenComparingInt(RecordOrigin::partition)
                        .thenComparingLong(RecordOrigin::offset)));
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
