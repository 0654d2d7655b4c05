package io.surge.alerts;

import io.surge.time.Clock;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Turns a rule's match into a {@link ZoneAlert} with a deterministic id, the rendered summary and the details. */
final class AlertBuilder<T> {

    private final AlertRule rule;
    private final Clock clock;

    AlertBuilder(AlertRule rule, Clock clock) {
        this.rule = rule;
        this.clock = clock;
    }

    /** @param match the records of each step, as flink-cep's NFA returns them */
    ZoneAlert alert(Map<String, List<T>> match, long ruleSetVersion) {
        Map<String, List<Object>> steps = new LinkedHashMap<>();
        Map<String, String> details = new TreeMap<>();
        RuleInput input = rule.input();
        List<String> matched = new ArrayList<>();
        for (RuleStep step : rule.steps()) {
            List<Object> records = List.copyOf(match.get(step.name()));
            steps.put(step.name(), records);
            records.forEach(record -> matched.add(input.identity(record)));
            details.put(step.name() + ".count", Integer.toString(records.size()));
            Object last = records.get(records.size() - 1);
            for (String field : input.fields().keySet()) {
                details.put(step.name() + "." + field, SummaryTemplate.format(input, field, last));
            }
        }
        Object first = steps.values().iterator().next().get(0);
        List<Object> lastStep =
                steps.get(rule.steps().get(rule.steps().size() - 1).name());
        Object last = lastStep.get(lastStep.size() - 1);
        String zone = (String) input.value(first, "zone_id");
        long firstTime = input.eventTime(first);
        long lastTime = input.eventTime(last);
        return ZoneAlert.firing(
                alertId(rule.name(), zone, matched),
                rule.name(),
                rule.severity(),
                zone,
                firstTime,
                lastTime,
                SummaryTemplate.render(rule.summary(), input, steps, lastTime - firstTime),
                details,
                clock.millis(),
                ruleSetVersion);
    }

    /** When the match ended: the time of its last step's last record. */
    long lastEventTime(Map<String, List<T>> match) {
        List<T> lastStep = match.get(rule.steps().get(rule.steps().size() - 1).name());
        return rule.input().eventTime(lastStep.get(lastStep.size() - 1));
    }

    /**
     * The same rule, zone and matched records always give the same id, so consumers can deduplicate, and two matches
     * of a rule never share one, even over the same time span ({@code after-match: no-skip}).
     *
     * @param matched the {@link RuleInput#identity} of every record of the match, step by step
     */
    static String alertId(String rule, String zone, List<String> matched) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((rule + "|" + zone + "|" + String.join(",", matched)).getBytes(StandardCharsets.UTF_8));
            return rule + "-" + HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
