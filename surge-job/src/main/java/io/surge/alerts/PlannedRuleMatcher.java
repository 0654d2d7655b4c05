package io.surge.alerts;

import io.surge.time.Clock;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.KeyedStateStore;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;

/**
 * A rule matched per zone without flink-cep's NFA, as its {@link RulePlan} allows: counted ({@link
 * CountingRuleMatcher}) or followed as sequences ({@link SequenceRuleMatcher}). Either keeps, per zone, one list of
 * what is in flight in one keyed state: read when the zone is opened, written back when it is closed, and cleared
 * once nothing is in flight.
 *
 * @param <T> the records
 * @param <E> what the list holds: records, or sequences of them
 */
abstract sealed class PlannedRuleMatcher<T, E> extends RuleMatcher<T> permits CountingRuleMatcher, SequenceRuleMatcher {

    final long withinMillis;
    final long bucketMillis;
    /** What each zone has in flight. */
    private final ValueState<List<E>> state;

    /** @param state the state of what a zone has in flight: its name and serializer are what checkpoints hold */
    PlannedRuleMatcher(
            AlertRule rule,
            KeyedStateStore zoneState,
            ValueStateDescriptor<List<E>> state,
            long bucketMillis,
            Clock clock) {
        super(rule, zoneState, clock);
        this.withinMillis = rule.within().toMillis();
        this.bucketMillis = bucketMillis;
        this.state = store().getState(state);
    }

    /**
     * Long enough that the timer a record registers as it begins a match, at its CEP time plus this, finds it out of
     * every later record's reach: a record's own time may be a millisecond after its CEP time (a window's end, stamped
     * with its last millisecond), never before it.
     */
    @Override
    final long windowMillis() {
        return withinMillis + bucketMillis;
    }

    @Override
    final void close() {}

    /** The rule's matching in the current zone, over the list of what the zone has in flight, read when opened. */
    abstract class PlannedZone implements InZone<T> {
        final List<E> inFlight;

        private final boolean stored;
        /** Whether {@link #inFlight} changed since it was read. */
        boolean changed;

        boolean began;

        PlannedZone() throws IOException {
            List<E> read = state.value();
            this.inFlight = read != null ? read : new ArrayList<>();
            this.stored = read != null;
        }

        @Override
        public final boolean inFlight() {
            return !inFlight.isEmpty();
        }

        @Override
        public final boolean beganPartialMatch() {
            return began;
        }

        @Override
        public final void close() throws IOException {
            if (inFlight.isEmpty()) {
                if (stored) {
                    state.clear();
                }
            } else if (changed) {
                state.update(inFlight);
            }
        }
    }
}
