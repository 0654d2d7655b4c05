package io.surge.alerts;

import io.surge.event.ZoneEvent;
import io.surge.pricing.ZoneSurge;
import io.surge.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.cep.CEP;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;

/**
 * Runs every alert rule on the per-zone streams and merges their alerts through the cooldown.
 *
 * <p>Rules on {@code multipliers} read the surge windows' output, which each window subtask emits for the zones it
 * owns; it is reinterpreted as keyed by zone rather than shuffled again. A rule with a {@code filter} sees only the
 * records that pass it, so CEP buffers only those.
 */
public final class Alerting {

    private Alerting() {}

    /** @return every alert raised, after cooldown; empty rules give an empty stream */
    public static DataStream<ZoneAlert> attach(KeyedStream<ZoneEvent, String> zoneEvents,
            DataStream<ZoneSurge> multipliers, List<AlertRule> rules, Clock clock) {
        KeyedStream<ZoneSurge, String> multipliersByZone =
                DataStreamUtils.reinterpretAsKeyedStream(multipliers, ZoneSurge::zoneId);
        List<DataStream<ZoneAlert>> alerts = new ArrayList<>();
        for (AlertRule rule : rules) {
            alerts.add(rule.input() == RuleInput.ZONE_EVENTS
                    ? matches(zoneEvents, ZoneEvent::zoneId, rule, clock)
                    : matches(multipliersByZone, ZoneSurge::zoneId, rule, clock));
        }
        if (alerts.isEmpty()) {
            return null;
        }
        DataStream<ZoneAlert> all = alerts.get(0);
        for (DataStream<ZoneAlert> more : alerts.subList(1, alerts.size())) {
            all = all.union(more);
        }
        Map<String, Long> cooldowns =
                rules.stream().collect(Collectors.toMap(AlertRule::name, rule -> rule.cooldown().toMillis()));
        return DataStreamUtils.reinterpretAsKeyedStream(all, ZoneAlert::zoneId)
                .process(new AlertCooldown(cooldowns))
                .returns(ZoneAlert.TYPE)
                .name("Alert cooldown per zone and rule")
                .uid("alert-cooldown");
    }

    private static <T> DataStream<ZoneAlert> matches(
            KeyedStream<T, String> zoneRecords, KeySelector<T, String> zone, AlertRule rule, Clock clock) {
        KeyedStream<T, String> input = zoneRecords;
        if (rule.filter() != null) {
            input = DataStreamUtils.reinterpretAsKeyedStream(
                    zoneRecords.filter(new RuleFilter<>(rule.input(), rule.filter()))
                            .name("Alert rule " + rule.name() + " filter")
                            .uid("alert-rule-" + rule.name() + "-filter"),
                    zone);
        }
        PatternProcessFunction<T, ZoneAlert> toAlert = new AlertMatchFunction<>(rule, clock);
        return CEP.pattern(input, RuleCompiler.<T>compile(rule))
                .inEventTime()
                .process(toAlert, ZoneAlert.TYPE)
                .name("Alert rule " + rule.name())
                .uid("alert-rule-" + rule.name());
    }
}
