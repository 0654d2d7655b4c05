package io.surge.alerts;

import io.surge.event.ZoneEvent;
import io.surge.pricing.ZoneSurge;
import io.surge.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.cep.CEP;
import org.apache.flink.cep.EventComparator;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * Runs every alert rule on the per-zone streams and merges their alerts through the cooldown.
 *
 * <p>Rules on {@code multipliers} read the surge windows' output, which each window subtask emits for the zones it
 * owns; it is reinterpreted as keyed by zone rather than shuffled again. A rule with a {@code filter} sees only the
 * records that pass it, so CEP buffers only those. Rules on zone events reach CEP through {@link TimeBuckets}, since a
 * busy zone's events nearly all have different milliseconds; multipliers come once per zone and slide already.
 */
public final class Alerting {

    private Alerting() {}

    /**
     * @param timeBucket the resolution at which rules on zone events hand records to CEP ({@link TimeBuckets})
     * @return every alert raised, after cooldown; nothing when there are no rules
     */
    public static Optional<DataStream<ZoneAlert>> attach(KeyedStream<ZoneEvent, String> zoneEvents,
            DataStream<ZoneSurge> multipliers, List<AlertRule> rules, Duration timeBucket, Clock clock) {
        KeyedStream<ZoneSurge, String> multipliersByZone =
                DataStreamUtils.reinterpretAsKeyedStream(multipliers, ZoneSurge::zoneId);
        List<DataStream<ZoneAlert>> alerts = new ArrayList<>();
        for (AlertRule rule : rules) {
            alerts.add(rule.input() == RuleInput.ZONE_EVENTS
                    ? matches(zoneEvents, ZoneEvent::zoneId, rule, timeBucket.toMillis(), clock)
                    : matches(multipliersByZone, ZoneSurge::zoneId, rule, 1, clock));
        }
        if (alerts.isEmpty()) {
            return Optional.empty();
        }
        DataStream<ZoneAlert> all = alerts.get(0);
        for (DataStream<ZoneAlert> more : alerts.subList(1, alerts.size())) {
            all = all.union(more);
        }
        Map<String, Long> cooldowns =
                rules.stream().collect(Collectors.toMap(AlertRule::name, rule -> rule.cooldown().toMillis()));
        return Optional.of(DataStreamUtils.reinterpretAsKeyedStream(all, ZoneAlert::zoneId)
                .process(new AlertCooldown(cooldowns))
                .returns(ZoneAlert.TYPE)
                .name("Alert cooldown per zone and rule")
                .uid("alert-cooldown"));
    }

    private static <T> DataStream<ZoneAlert> matches(
            KeyedStream<T, String> zoneRecords, KeySelector<T, String> zone, AlertRule rule, long bucketMillis,
            Clock clock) {
        DataStream<T> input = zoneRecords;
        if (rule.filter() != null) {
            input = input.filter(new RuleFilter<>(rule.input(), rule.filter()))
                    .name("Alert rule " + rule.name() + " filter")
                    .uid("alert-rule-" + rule.name() + "-filter");
        }
        if (bucketMillis > 1) {
            input = input.transform("Alert rule " + rule.name() + " time buckets", input.getType(),
                            new TimeBuckets<T>(bucketMillis))
                    .uid("alert-rule-" + rule.name() + "-time-buckets");
        }
        KeyedStream<T, String> keyed =
                input == zoneRecords ? zoneRecords : DataStreamUtils.reinterpretAsKeyedStream(input, zone);
        return cep(keyed, rule, bucketMillis, clock)
                .name("Alert rule " + rule.name())
                .uid("alert-rule-" + rule.name());
    }

    /** The rule's CEP operator, for records stamped with {@code bucketMillis} resolution. */
    static <T> SingleOutputStreamOperator<ZoneAlert> cep(
            KeyedStream<T, String> records, AlertRule rule, long bucketMillis, Clock clock) {
        PatternProcessFunction<T, ZoneAlert> toAlert = new AlertMatchFunction<>(rule, clock);
        return CEP.pattern(records, RuleCompiler.<T>compile(rule, bucketMillis), new OwnTimeOrder<>(rule.input()))
                .inEventTime()
                .process(toAlert, ZoneAlert.TYPE);
    }

    /** Records that share a CEP timestamp, in the order of their own times. */
    private record OwnTimeOrder<T>(RuleInput input) implements EventComparator<T> {
        @Override
        public int compare(T first, T second) {
            return Long.compare(input.eventTime(first), input.eventTime(second));
        }
    }
}
