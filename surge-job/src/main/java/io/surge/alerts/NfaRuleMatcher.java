package io.surge.alerts;

import io.surge.time.Clock;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.KeyedStateStore;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.cep.configuration.SharedBufferCacheConfig;
import org.apache.flink.cep.nfa.NFA;
import org.apache.flink.cep.nfa.NFAState;
import org.apache.flink.cep.nfa.NFAStateSerializer;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.nfa.compiler.NFACompiler;
import org.apache.flink.cep.nfa.sharedbuffer.SharedBuffer;
import org.apache.flink.cep.nfa.sharedbuffer.SharedBufferAccessor;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.time.TimerService;
import org.apache.flink.configuration.Configuration;

/**
 * A rule on flink-cep's NFA: per zone, the NFA's state and shared buffer, as flink-cep's own operator keeps them for
 * its one pattern.
 */
final class NfaRuleMatcher<T> extends RuleMatcher<T> {

    private final NFA<T> nfa;
    private final AfterMatchSkipStrategy skip;
    private final SharedBuffer<T> buffer;
    private final ValueState<NFAState> states;

    NfaRuleMatcher(
            AlertRule rule,
            KeyedStateStore zoneState,
            TypeSerializer<T> records,
            SharedBufferCacheConfig cache,
            long bucketMillis,
            RuntimeContext context,
            Clock clock)
            throws Exception {
        super(rule, zoneState, clock);
        Pattern<T, T> pattern = RuleCompiler.compile(rule, bucketMillis);
        this.nfa = NFACompiler.compileFactory(pattern, false).createNFA();
        this.nfa.open(context, new Configuration());
        this.skip = pattern.getAfterMatchSkipStrategy();
        this.buffer = new SharedBuffer<>(store(), records, cache);
        this.states = store().getState(nfaStates());
    }

    /** Registers the keyed states an NFA rule keeps on {@code store}, for clearing those of a rule no longer known. */
    static <T> void registerStates(RuleStateStore store, TypeSerializer<T> records) {
        new SharedBuffer<>(store, records).releaseCacheStatisticsTimer();
        store.getState(nfaStates());
    }

    private static ValueStateDescriptor<NFAState> nfaStates() {
        return new ValueStateDescriptor<>("nfa", new NFAStateSerializer());
    }

    /**
     * The current zone's partial matches, opened for matching at one CEP time: flink-cep's shared buffer keeps what
     * the matching touches in a cache, written to the zone's state once when {@link InZone#close closed} rather than
     * after every record, as flink-cep's operator does.
     */
    @Override
    InZone<T> inZone() throws IOException {
        NFAState state = states.value();
        return new Zone(state != null ? state : nfa.createInitialNFAState(), state != null, buffer.getAccessor());
    }

    private final class Zone implements InZone<T> {
        private final NFAState state;
        private final boolean stored;
        private final SharedBufferAccessor<T> access;

        private Zone(NFAState state, boolean stored, SharedBufferAccessor<T> access) {
            this.state = state;
            this.stored = stored;
            this.access = access;
        }

        @Override
        public Collection<Map<String, List<T>>> advance(long time) throws Exception {
            return nfa.advanceTime(access, state, time, skip).f0;
        }

        @Override
        public Collection<Map<String, List<T>>> process(T record, long time, TimerService timers) throws Exception {
            return nfa.process(access, state, record, time, skip, timers);
        }

        @Override
        public boolean inFlight() {
            return !nothingInFlight();
        }

        @Override
        public boolean beganPartialMatch() {
            return state.isNewStartPartialMatch();
        }

        /**
         * Writes the zone's partial matches and shared buffer back to its state. A zone with nothing in flight, as
         * a zone that went quiet ends up once its last partial match timed out, keeps no state for the rule at all:
         * its shared buffer is empty then, and a fresh NFA state is what it would read back.
         */
        @Override
        public void close() throws Exception {
            access.close();
            if (nothingInFlight()) {
                if (stored) {
                    states.clear();
                }
            } else if (state.isStateChanged()) {
                state.resetStateChanged();
                state.resetNewStartPartialMatch();
                states.update(state);
            }
        }

        /** No partial match has taken a record, and no completed match waits to be emitted. */
        private boolean nothingInFlight() {
            return state.getCompletedMatches().isEmpty()
                    && state.getPartialMatches().stream().allMatch(match -> match.getStartEventID() == null);
        }
    }

    @Override
    long windowMillis() {
        return nfa.getWindowTime();
    }

    @Override
    void close() throws Exception {
        nfa.close();
        buffer.releaseCacheStatisticsTimer();
    }
}
