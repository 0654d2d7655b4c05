package io.surge.alerts;

import io.surge.event.ZoneEvent;
import io.surge.pricing.ZoneSurge;
import io.surge.time.Clock;
import java.time.Duration;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * Runs the alert rules on the per-zone streams: one {@link ZoneRules} operator per input, each with every rule of that
 * input in every rule set version, and every deployed version broadcast to both.
 *
 * <p>Rules on {@code multipliers} read the surge windows' output, which each window subtask emits for the zones it
 * owns; it is reinterpreted as keyed by zone rather than shuffled again. Rules on zone events see CEP times in buckets
 * of {@code timeBucket} ({@link ZoneRules#bucketEnd}), since a busy zone's events nearly all have different milliseconds;
 * multipliers come once per zone and slide already.
 */
public final class Alerting {

    private Alerting() {}

    /** @return every alert written: each episode the matches open, and its resolution */
    public static DataStream<ZoneAlert> attach(
            KeyedStream<ZoneEvent, String> zoneEvents,
            DataStream<ZoneSurge> multipliers,
            RuleSets rules,
            Duration timeBucket,
            Clock clock) {
        DataStream<RuleSetVersion> everywhere = rules.deployed().broadcast();
        DataStream<ZoneAlert> onZoneEvents =
                rules(zoneEvents, everywhere, RuleInput.ZONE_EVENTS, rules, timeBucket.toMillis(), clock);
        DataStream<ZoneAlert> onMultipliers = rules(
                DataStreamUtils.reinterpretAsKeyedStream(multipliers, ZoneSurge::zoneId),
                everywhere,
                RuleInput.MULTIPLIERS,
                rules,
                1,
                clock);
        return onZoneEvents.union(onMultipliers);
    }

    /** The rules of one input on its per-zone records, for records stamped with {@code bucketMillis} resolution. */
    static <T> SingleOutputStreamOperator<ZoneAlert> rules(
            KeyedStream<T, String> records,
            DataStream<RuleSetVersion> deployed,
            RuleInput input,
            RuleSets rules,
            long bucketMillis,
            Clock clock) {
        TypeSerializer<T> serializer =
                records.getType().createSerializer(records.getExecutionConfig().getSerializerConfig());
        return records.connect(deployed)
                .transform(
                        "Alert rules on " + input.wireName(),
                        ZoneAlert.TYPE,
                        new ZoneRules<>(input, serializer, rules.known(), rules.trusted(), bucketMillis, clock))
                .uid("alert-rules-" + input.wireName());
    }
}
