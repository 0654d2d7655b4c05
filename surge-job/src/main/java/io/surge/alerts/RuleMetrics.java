package io.surge.alerts;

import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/**
 * What the alert rules of one input report: per rule, the episodes opened and resolved and the matches that continued
 * one; in all, the versions refused, the version in force and the newest taken (which {@code surge rules list} and the
 * dashboard read), and the records dropped as late.
 */
final class RuleMetrics {

    private final MetricGroup surge;
    private final Map<String, Counter> perRule = new HashMap<>();
    private final Counter refused;
    private final Counter late;

    /**
     * @param inForce the version in force at the watermark
     * @param latest the newest version taken
     */
    RuleMetrics(MetricGroup operator, LongSupplier inForce, LongSupplier latest) {
        this.surge = operator.addGroup("surge");
        this.refused = surge.counter("ruleSetsRefused");
        surge.gauge("ruleSetVersion", inForce::getAsLong);
        surge.gauge("latestRuleSetVersion", latest::getAsLong);
        this.late = operator.counter("numLateRecordsDropped");
    }

    /** Every rule's counters from its start, so that a dashboard shows a rule that never fired as zero. */
    void register(String rule) {
        counter(rule, "alertsRaised");
        counter(rule, "alertsResolved");
        counter(rule, "matchesInOpenEpisodes");
    }

    void opened(String rule) {
        counter(rule, "alertsRaised").inc();
    }

    void resolved(String rule) {
        counter(rule, "alertsResolved").inc();
    }

    void continued(String rule) {
        counter(rule, "matchesInOpenEpisodes").inc();
    }

    void refused() {
        refused.inc();
    }

    void late() {
        late.inc();
    }

    private Counter counter(String rule, String name) {
        return perRule.computeIfAbsent(
                rule + "/" + name, key -> surge.addGroup("rule", rule).counter(name));
    }
}
