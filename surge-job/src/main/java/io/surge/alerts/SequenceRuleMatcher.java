package io.surge.alerts;

import io.surge.time.Clock;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.KeyedStateStore;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.base.ListSerializer;
import org.apache.flink.cep.time.TimerService;

/**
 * A rule of steps that each take one record, none of them strict ({@code followed-by}), that ends every overlapping
 * sequence with a match ({@code skip-past-last-event}): per zone, the sequences begun, each with the records it took,
 * and no NFA.
 *
 * <p>flink-cep begins a partial match at every record meeting the first step; with relaxed contiguity, a partial
 * match waiting for a step of one record takes the first record meeting it and nothing else, so each beginning has
 * one way to go on, followed here as a list of records. flink-cep emits completed matches in the order they began, a
 * match once no partial match that began earlier is alive, and the match discards every partial and completed match
 * that began at or before its last record. A partial match out of its time bound can take no record any more: it is
 * dropped here when it is, where flink-cep holds the later matches back until its window prunes it, so the matches
 * are the same, some emitted earlier.
 */
final class SequenceRuleMatcher<T> extends PlannedRuleMatcher<T, List<T>> {

    private final RuleInput input;
    private final List<String> steps;
    private final List<RuleExpressions.Condition> conditions;
    private final Comparator<Object> matchOrder;

    SequenceRuleMatcher(
            AlertRule rule, KeyedStateStore zoneState, TypeSerializer<T> records, long bucketMillis, Clock clock) {
        super(rule, zoneState, sequencesBegun(records), bucketMillis, clock);
        this.input = rule.input();
        this.steps = rule.steps().stream().map(RuleStep::name).toList();
        this.conditions = new ArrayList<>();
        for (RuleStep step : rule.steps()) {
            conditions.add(RuleExpressions.condition(input, steps.subList(0, conditions.size()), step.where()));
        }
        this.matchOrder = input.matchOrder();
    }

    /** Registers the keyed state a sequence rule keeps on {@code store}, for clearing that of a rule no longer known. */
    static <T> void registerStates(RuleStateStore store, TypeSerializer<T> records) {
        store.getState(sequencesBegun(records));
    }

    private static <T> ValueStateDescriptor<List<List<T>>> sequencesBegun(TypeSerializer<T> records) {
        return new ValueStateDescriptor<>("sequences", new ListSerializer<>(new ListSerializer<>(records)));
    }

    @Override
    InZone<T> inZone() throws IOException {
        return new Zone();
    }

    /** In flight: the sequences begun since the last match, in the order they began; each the records it took so far. */
    private final class Zone extends PlannedZone {

        private Zone() throws IOException {}

        /** Forgets the sequences no record of CEP time {@code time} or later can go on with. */
        @Override
        public Collection<Map<String, List<T>>> advance(long time) {
            forgetOutOfReachOf(time - bucketMillis + 1);
            return completed();
        }

        @Override
        public Collection<Map<String, List<T>>> process(T record, long time, TimerService timers) {
            forgetOutOfReachOf(input.eventTime(record));
            for (List<T> sequence : inFlight) {
                int next = sequence.size();
                if (next < steps.size()
                        && conditions.get(next).evaluate(input, record, step -> taken(sequence, step))) {
                    sequence.add(record);
                    changed = true;
                }
            }
            began = conditions.get(0).evaluate(input, record, step -> null);
            if (began) {
                List<T> sequence = new ArrayList<>(steps.size());
                sequence.add(record);
                inFlight.add(sequence);
                changed = true;
            }
            return completed();
        }

        private T taken(List<T> sequence, String step) {
            int index = steps.indexOf(step);
            return index < sequence.size() ? sequence.get(index) : null;
        }

        /** The matches of the earliest sequences begun, while they are complete; each ends those it overlaps. */
        private List<Map<String, List<T>>> completed() {
            List<Map<String, List<T>>> matches = new ArrayList<>(0);
            while (!inFlight.isEmpty() && inFlight.get(0).size() == steps.size()) {
                List<T> match = inFlight.remove(0);
                T last = match.get(match.size() - 1);
                inFlight.removeIf(sequence -> matchOrder.compare(sequence.get(0), last) <= 0);
                Map<String, List<T>> byStep = new LinkedHashMap<>();
                for (int i = 0; i < steps.size(); i++) {
                    byStep.put(steps.get(i), List.of(match.get(i)));
                }
                matches.add(byStep);
                changed = true;
            }
            return matches;
        }

        /**
         * An incomplete sequence goes on only with records within the bound of its first. Sequences began in time
         * order: from the first within reach on, all are.
         */
        private void forgetOutOfReachOf(long ownTime) {
            int index = 0;
            while (index < inFlight.size()
                    && ownTime - input.eventTime(inFlight.get(index).get(0)) >= withinMillis) {
                if (inFlight.get(index).size() < steps.size()) {
                    inFlight.remove(index);
                    changed = true;
                } else {
                    index++;
                }
            }
        }
    }
}
