package io.surge.alerts;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Per zone and rule, drops alerts whose first event falls within the rule's cooldown after the last event of the
 * previous alert reported, in event time, so one incident raises one alert. Counts alerts per rule.
 */
final class AlertCooldown extends KeyedProcessFunction<String, ZoneAlert, ZoneAlert> {

    private static final long serialVersionUID = 1L;
    private final Map<String, Long> cooldownMillisByRule;
    /** Last event time of the latest reported alert, per rule. */
    private transient MapState<String, Long> lastReported;
    private transient MetricGroup metrics;
    private transient Map<String, Counter> counters;

    AlertCooldown(Map<String, Long> cooldownMillisByRule) {
        this.cooldownMillisByRule = Map.copyOf(cooldownMillisByRule);
    }

    @Override
    public void open(OpenContext openContext) {
        lastReported = getRuntimeContext()
                .getMapState(new MapStateDescriptor<>("last-reported-alert", Types.STRING, Types.LONG));
        metrics = getRuntimeContext().getMetricGroup().addGroup("surge");
        counters = new HashMap<>();
        // every rule's counters from the start, so that a dashboard shows a rule that never fired as zero
        for (String rule : cooldownMillisByRule.keySet()) {
            counter("alertsRaised", rule);
            counter("alertsSuppressed", rule);
        }
    }

    @Override
    public void processElement(ZoneAlert alert, Context ctx, Collector<ZoneAlert> out) throws Exception {
        long cooldown = cooldownMillisByRule.getOrDefault(alert.rule(), 0L);
        Long previous = lastReported.get(alert.rule());
        if (previous != null && alert.firstEventTime() < previous + cooldown) {
            counter("alertsSuppressed", alert.rule()).inc();
            return;
        }
        out.collect(alert);
        counter("alertsRaised", alert.rule()).inc();
        if (cooldown > 0) {
            lastReported.put(alert.rule(), alert.lastEventTime());
            ctx.timerService().registerEventTimeTimer(alert.lastEventTime() + cooldown);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ZoneAlert> out) throws Exception {
        for (Iterator<Map.Entry<String, Long>> it = lastReported.iterator(); it.hasNext(); ) {
            Map.Entry<String, Long> entry = it.next();
            if (entry.getValue() + cooldownMillisByRule.getOrDefault(entry.getKey(), 0L) <= timestamp) {
                it.remove();
            }
        }
        if (lastReported.isEmpty()) {
            lastReported.clear();
        }
    }

    private Counter counter(String name, String rule) {
        return counters.computeIfAbsent(rule + "/" + name, key -> metrics.addGroup("rule", rule).counter(name));
    }
}
