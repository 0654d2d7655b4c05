package io.surge.alerts;

import io.surge.time.Clock;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.state.KeyedStateStore;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.base.ListSerializer;
import org.apache.flink.cep.time.TimerService;

/**
 * A rule of one step that counts records, distinct or not, within its time bound, and ends the count with a match
 * ({@code skip-past-last-event}): per zone, the records that could still begin a match, and no NFA.
 *
 * <p>flink-cep begins a partial match at every record meeting the step, and one that began earlier has seen every
 * record a later one sees: it reaches the count first, unless its time bound has passed. So the first match after
 * another begins at the earliest record still within the bound of the record that completes it, and takes, from
 * there, the first record of each distinct value; the match discards every partial match that began at or before its
 * last record. flink-cep holds a completed match back while a partial match that began earlier is alive; those can no
 * longer take a record, so their matches are the same, only emitted earlier here.
 */
final class CountingRuleMatcher<T> extends PlannedRuleMatcher<T, T> {

    private final RuleInput input;
    private final String step;
    /** The step's condition; null when it is {@code true}. */
    private final RuleFilter<T> where;
    /** The field whose values count, or null when every record does. */
    private final String distinct;

    private final int count;

    CountingRuleMatcher(
            AlertRule rule, KeyedStateStore zoneState, TypeSerializer<T> records, long bucketMillis, Clock clock) {
        super(rule, zoneState, countedRecords(records), bucketMillis, clock);
        RuleStep only = rule.steps().get(0);
        this.input = rule.input();
        this.step = only.name();
        this.where = "true".equals(only.where().strip()) ? null : new RuleFilter<>(input, only.where());
        this.distinct = only.distinct();
        this.count = only.times();
    }

    /** Registers the keyed state a counted rule keeps on {@code store}, for clearing that of a rule no longer known. */
    static <T> void registerStates(RuleStateStore store, TypeSerializer<T> records) {
        store.getState(countedRecords(records));
    }

    private static <T> ValueStateDescriptor<List<T>> countedRecords(TypeSerializer<T> records) {
        return new ValueStateDescriptor<>("counted", new ListSerializer<>(records));
    }

    @Override
    InZone<T> inZone() throws IOException {
        return new Zone();
    }

    /**
     * In flight: the records meeting the step since the last match, in match order, that a later record can still
     * join.
     */
    private final class Zone extends PlannedZone {

        private Zone() throws IOException {}

        /**
         * Forgets the records no later record can join: one of CEP time {@code time} or later has its own time after
         * the bucket before it.
         */
        @Override
        public Collection<Map<String, List<T>>> advance(long time) {
            forgetOutOfReachOf(time - bucketMillis + 1);
            return List.of();
        }

        @Override
        public Collection<Map<String, List<T>>> process(T record, long time, TimerService timers) {
            began = false;
            if (where != null && !where.filter(record)) {
                return List.of();
            }
            forgetOutOfReachOf(input.eventTime(record));
            inFlight.add(record);
            changed = true;
            List<T> match = match();
            if (match == null) {
                began = true;
                return List.of();
            }
            inFlight.clear();
            return List.of(Map.of(step, match));
        }

        /** From the earliest record, the first of each distinct value, once there are enough; else null. */
        private List<T> match() {
            if (distinct == null) {
                return inFlight.size() < count ? null : List.copyOf(inFlight);
            }
            Set<Object> seen = new HashSet<>();
            List<T> match = new ArrayList<>(count);
            for (T record : inFlight) {
                if (seen.add(input.value(record, distinct))) {
                    match.add(record);
                }
            }
            return match.size() < count ? null : match;
        }

        /** A record at {@code ownTime} joins a match only while it is within the bound of the match's first record. */
        private void forgetOutOfReachOf(long ownTime) {
            int outOfReach = 0;
            while (outOfReach < inFlight.size()
                    && ownTime - input.eventTime(inFlight.get(outOfReach)) >= withinMillis) {
                outOfReach++;
            }
            if (outOfReach > 0) {
                inFlight.subList(0, outOfReach).clear();
                changed = true;
            }
        }
    }
}
