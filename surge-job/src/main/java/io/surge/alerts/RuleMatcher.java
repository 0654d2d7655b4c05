package io.surge.alerts;

import io.surge.time.Clock;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.KeyedStateStore;
import org.apache.flink.api.common.state.StateDescriptor;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.cep.configuration.SharedBufferCacheConfig;
import org.apache.flink.cep.time.TimerService;

/**
 * One rule inside {@link ZoneRules}: its filter, the alerts its matches make, and, per zone, its matching state,
 * kept as its {@link RulePlan} says: without an NFA ({@link PlannedRuleMatcher}: counted or followed as sequences)
 * or on flink-cep's NFA ({@link NfaRuleMatcher}).
 */
abstract sealed class RuleMatcher<T> permits NfaRuleMatcher, PlannedRuleMatcher {

    private final AlertRule rule;
    private final RulePlan plan;
    private final String identity;
    private final RuleFilter<T> filter;
    private final RuleStateStore store;
    private final AlertBuilder<T> alerts;

    RuleMatcher(AlertRule rule, KeyedStateStore zoneState, Clock clock) {
        this.rule = rule;
        this.plan = RulePlan.of(rule);
        this.identity = identity(rule, plan);
        this.filter = rule.filter() == null ? null : new RuleFilter<>(rule.input(), rule.filter());
        this.store = new RuleStateStore(zoneState, identity);
        this.alerts = new AlertBuilder<>(rule, clock);
    }

    /** The matcher the rule's plan asks for. */
    static <T> RuleMatcher<T> of(
            AlertRule rule,
            KeyedStateStore zoneState,
            TypeSerializer<T> records,
            SharedBufferCacheConfig cache,
            long bucketMillis,
            RuntimeContext context,
            Clock clock)
            throws Exception {
        return switch (RulePlan.of(rule).shape()) {
            case COUNT -> new CountingRuleMatcher<>(rule, zoneState, records, bucketMillis, clock);
            case SEQUENCE -> new SequenceRuleMatcher<>(rule, zoneState, records, bucketMillis, clock);
            case NFA -> new NfaRuleMatcher<>(rule, zoneState, records, cache, bucketMillis, context, clock);
        };
    }

    /** The rule's name and a digest of everything it declares, under which its state is kept. */
    static String identity(AlertRule rule) {
        return identity(rule, RulePlan.of(rule));
    }

    /**
     * The rule's name and a digest of everything it declares: a rule whose file changes in anything but comments and
     * layout is a new rule, with state of its own (and the severity, summary and resolve-after it now declares). The
     * text is spelled out here, not taken from a {@code toString}, because checkpoints keep the state under it.
     */
    private static String identity(AlertRule rule, RulePlan plan) {
        StringBuilder declared = new StringBuilder(rule.name())
                .append('\n')
                .append(rule.input().wireName())
                .append('\n')
                .append(rule.filter())
                .append('\n')
                .append(rule.within().toMillis())
                .append('\n')
                .append(rule.afterMatch().wireName())
                .append('\n')
                .append(rule.severity())
                .append('\n')
                .append(rule.summary())
                .append('\n')
                .append(rule.resolveAfter().toMillis());
        for (RuleStep step : rule.steps()) {
            declared.append('\n')
                    .append(step.name())
                    .append('|')
                    .append(step.where())
                    .append('|')
                    .append(step.strict())
                    .append('|')
                    .append(step.times())
                    .append('|')
                    .append(step.orMore())
                    .append('|')
                    .append(step.distinct());
        }
        if (plan.planned()) {
            // a planned rule keeps other state than the NFA's: the same declaration is a new rule to a checkpoint
            declared.append('\n').append(plan.shape());
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(declared.toString().getBytes(StandardCharsets.UTF_8));
            return rule.name() + "@" + HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /**
     * Registers the keyed states a matcher of either plan keeps on {@code store}: for clearing those of a rule no longer
     * known, whose plan is not known either.
     */
    static <T> void registerStates(RuleStateStore store, TypeSerializer<T> records) {
        NfaRuleMatcher.registerStates(store, records);
        CountingRuleMatcher.registerStates(store, records);
        SequenceRuleMatcher.registerStates(store, records);
    }

    AlertRule rule() {
        return rule;
    }

    String identity() {
        return identity;
    }

    RulePlan plan() {
        return plan;
    }

    /**
     * Whether the record can take part in the rule's matches: it meets the rule's filter.
     *
     * @param decided the outcomes of the filters already evaluated on this record, by expression: rules often share
     *     a filter (variants of one rule with other thresholds), which is then evaluated once per record
     */
    boolean accepts(T record, Map<String, Boolean> decided) {
        if (filter == null) {
            return true;
        }
        Boolean known = decided.get(rule.filter());
        if (known == null) {
            known = filter.filter(record);
            decided.put(rule.filter(), known);
        }
        return known;
    }

    /** The rule's matching in the current zone, opened at one CEP time. */
    abstract InZone<T> inZone() throws Exception;

    /** How long a partial match may live, in the time CEP sees; 0 for no bound. */
    abstract long windowMillis();

    long lastEventTime(Map<String, List<T>> match) {
        return alerts.lastEventTime(match);
    }

    ZoneAlert alert(Map<String, List<T>> match, long ruleSetVersion) {
        return alerts.alert(match, ruleSetVersion);
    }

    /** The keyed states the rule keeps under its own prefix. */
    RuleStateStore store() {
        return store;
    }

    /** Every keyed state the rule keeps, for clearing it in all zones once the rule is retired. */
    List<StateDescriptor<?, ?>> keyedStates() {
        return store.states();
    }

    abstract void close() throws Exception;

    /**
     * The rule's matching in the current zone at one CEP time, until closed; the zone must not change before. Matches
     * come as flink-cep's NFA returns them: each step's records by step name.
     */
    interface InZone<T> extends AutoCloseable {

        /** Prunes what {@code within} no longer allows; returns any match that completes by time alone. */
        Collection<Map<String, List<T>>> advance(long time) throws Exception;

        Collection<Map<String, List<T>>> process(T record, long time, TimerService timers) throws Exception;

        /** Whether the last record processed began a partial match, which its window must then prune in time. */
        boolean beganPartialMatch();

        /** Whether the zone has anything in flight for the rule: records of a match to come. */
        boolean inFlight();

        /** Writes what the zone has in flight back to its state; a zone with nothing in flight keeps none. */
        @Override
        void close() throws Exception;
    }
}
