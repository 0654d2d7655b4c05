package io.surge.alerts;

import io.surge.time.Clock;
import java.io.IOException;
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
 * One rule inside {@link ZoneRules}: its filter, flink-cep's NFA for its pattern, and, per zone, the NFA's state and
 * shared buffer, as flink-cep's own operator keeps them for its one pattern.
 */
final class RuleMatcher<T> {

    private final AlertRule rule;
    private final String identity;
    private final RuleFilter<T> filter;
    private final NFA<T> nfa;
    private final AfterMatchSkipStrategy skip;
    private final RuleStateStore store;
    private final SharedBuffer<T> buffer;
    private final ValueState<NFAState> states;
    private final AlertBuilder<T> alerts;

    RuleMatcher(
            AlertRule rule,
            KeyedStateStore zoneState,
            TypeSerializer<T> records,
            SharedBufferCacheConfig cache,
            long bucketMillis,
            RuntimeContext context,
            Clock clock)
            throws Exception {
        this.rule = rule;
        this.identity = identity(rule);
        this.filter = rule.filter() == null ? null : new RuleFilter<>(rule.input(), rule.filter());
        Pattern<T, T> pattern = RuleCompiler.compile(rule, bucketMillis);
        this.nfa = NFACompiler.compileFactory(pattern, false).createNFA();
        this.nfa.open(context, new Configuration());
        this.skip = pattern.getAfterMatchSkipStrategy();
        this.store = new RuleStateStore(zoneState, identity);
        this.buffer = new SharedBuffer<>(store, records, cache);
        this.states = store.getState(nfaStates());
        this.alerts = new AlertBuilder<>(rule, clock);
    }

    /**
     * The rule's name and a digest of everything it declares: a rule whose file changes in anything but comments and
     * layout is a new rule, with state of its own (and the severity, summary and resolve-after it now declares). The
     * text is spelled out here, not taken from a {@code toString}, because checkpoints keep the state under it.
     */
    static String identity(AlertRule rule) {
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
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(declared.toString().getBytes(StandardCharsets.UTF_8));
            return rule.name() + "@" + HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** Registers the keyed states a matcher keeps on {@code store}: for clearing those of a rule no longer known. */
    static <T> void registerStates(RuleStateStore store, TypeSerializer<T> records) {
        new SharedBuffer<>(store, records).releaseCacheStatisticsTimer();
        store.getState(nfaStates());
    }

    private static ValueStateDescriptor<NFAState> nfaStates() {
        return new ValueStateDescriptor<>("nfa", new NFAStateSerializer());
    }

    AlertRule rule() {
        return rule;
    }

    String identity() {
        return identity;
    }

    /** Whether the record can take part in the rule's matches: it meets the rule's filter. */
    boolean accepts(T record) {
        return filter == null || filter.filter(record);
    }

    /**
     * The current zone's partial matches, opened for matching at one CEP time: flink-cep's shared buffer keeps what
     * the matching touches in a cache, written to the zone's state once when {@link InZone#close closed} rather than
     * after every record, as flink-cep's operator does.
     */
    InZone inZone() throws IOException {
        NFAState state = states.value();
        return new InZone(state != null ? state : nfa.createInitialNFAState(), state != null, buffer.getAccessor());
    }

    /** The rule's matching in the current zone, until closed; the zone must not change before. */
    final class InZone implements AutoCloseable {
        private final NFAState state;
        private final boolean stored;
        private final SharedBufferAccessor<T> access;

        private InZone(NFAState state, boolean stored, SharedBufferAccessor<T> access) {
            this.state = state;
            this.stored = stored;
            this.access = access;
        }

        /** Prunes what {@code within} no longer allows; returns any match that completes by time alone. */
        Collection<Map<String, List<T>>> advance(long time) throws Exception {
            return nfa.advanceTime(access, state, time, skip).f0;
        }

        Collection<Map<String, List<T>>> process(T record, long time, TimerService timers) throws Exception {
            return nfa.process(access, state, record, time, skip, timers);
        }

        /** Whether the last record processed began a partial match, which its window must then prune in time. */
        boolean beganPartialMatch() {
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

    /** How long a partial match may live, in the time CEP sees; 0 for no bound. */
    long windowMillis() {
        return nfa.getWindowTime();
    }

    long lastEventTime(Map<String, List<T>> match) {
        return alerts.lastEventTime(match);
    }

    ZoneAlert alert(Map<String, List<T>> match, long ruleSetVersion) {
        return alerts.alert(match, ruleSetVersion);
    }

    /** Every keyed state the rule keeps, for clearing it in all zones once the rule is retired. */
    List<StateDescriptor<?, ?>> keyedStates() {
        return store.states();
    }

    void close() throws Exception {
        nfa.close();
        buffer.releaseCacheStatisticsTimer();
    }
}
