package io.surge.alerts;

import io.surge.state.HeapBetweenCheckpoints;
import io.surge.time.CheckpointedWatermark;
import io.surge.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.State;
import org.apache.flink.api.common.state.StateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.base.ListSerializer;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.api.common.typeutils.base.MapSerializer;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.cep.configuration.SharedBufferCacheConfig;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every alert rule on one input, for each zone, under the rule set version in force at each record's own time.
 *
 * <p>Open-source Flink CEP fixes its pattern when the job starts. This operator hosts flink-cep's own NFA and shared
 * buffer once per rule ({@link RuleMatcher}), as flink-cep's operator hosts its one, or counts a rule whose meaning is
 * a count within its time bound ({@link RulePlan}), with the same matches; so rule set versions arriving on
 * the second, broadcast input change the rules while the job runs. Each zone's records wait, by CEP time, until the
 * watermark passes them, as in flink-cep, and are then matched in time order by the rules of the version in force at
 * each record's own time: a version switch is a point in event time, the same in a replay, a backtest and the live
 * job. A rule unchanged across versions ({@link RuleMatcher#identity}) is the same matcher, partial matches and all; a
 * changed rule is a new matcher, fed from the new version's {@code effectiveFrom}; once the watermark has passed the
 * switch, the rules the new version no longer has are retired and their state cleared in every zone. A version that
 * does not compile is refused, logged and counted; the one in force stays.
 *
 * <p>Rules on zone events see CEP times bucketed ({@link #bucketEnd}): flink-cep does its state work per zone and
 * distinct timestamp (a timer, scans of the buffered records and of the event counters, each a RocksDB seek), and a
 * busy zone's events nearly all have different milliseconds; stamped with their bucket's end, they cost that work once
 * per bucket. The matches are the same, since each rule's conditions hold its window on the records' own times
 * ({@link RuleCompiler}) and records of one bucket are matched in their own time order. A record the rules of its time cannot use
 * (none has its input, or none's filter lets it through) is not kept at all. The matches make episodes here too, per
 * zone and rule name ({@link ZoneEpisodes}): one incident, one {@code FIRING} record when it begins and one
 * {@code RESOLVED} when it is over; a rule changed by a version continues the episode of the rule of its name.
 *
 * <p>After a restore, records at or behind the last checkpoint's watermark are late until the new one passes it
 * ({@link CheckpointedWatermark}); a rule the restored state has but no version in force any more is cleared.
 */
public final class ZoneRules<T> extends AbstractStreamOperator<ZoneAlert>
        implements TwoInputStreamOperator<T, RuleSetVersion, ZoneAlert>, Triggerable<String, VoidNamespace> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ZoneRules.class);

    /**
     * How many zones the rules hold on the heap between checkpoints ({@link HeapBetweenCheckpoints}). A zone's rules
     * hold little (the records waiting for the watermark, each planned rule's few within its time bound, the open
     * episodes), and on a world-sized map a zone let go is read back from RocksDB at its next record, every slide for
     * the rules on multipliers. The world-sized benchmark (100,579 zones, a 1 GB JVM, 2 subtasks) ran at 15,082
     * events/s with 40,000 and 17,406 with 100,000, holding less after a collection (545 and 505 MB); 600,000 of its
     * events (58,352 zones) at 15,095 with 2,000 and 19,816 with 40,000.
     */
    private static final int HELD_ZONES = 100_000;

    private final RuleInput input;
    private final TypeSerializer<T> records;
    private final List<RuleSetVersion> known;
    private final TrustedKeys trusted;
    private final long bucketMillis;
    private final Clock clock;

    private transient HeapBetweenCheckpoints<String> zoneState;
    private transient InternalTimerService<VoidNamespace> timers;
    private transient MapState<Long, List<T>> waiting;
    /**
     * Per rule name, the zone's open episode: one value, read once per CEP time of the zone, where a map state would
     * cost an iteration over RocksDB each time to clean it up.
     */
    private transient ValueState<Map<String, Episode>> episodes;
    /**
     * The identities of the planned rules ({@link RulePlan}) holding records in the zone: a CEP time moves those, and
     * every rule on the NFA, rather than reading every rule's state in every zone at every CEP time.
     */
    private transient ValueState<List<String>> plannedInFlight;

    private transient BroadcastState<Long, RuleSetVersion> deployed;
    private transient ListState<String> matchersWithState;
    private transient Set<String> restoredMatchers;
    private transient CheckpointedWatermark checkpointedWatermark;
    private transient long watermark;
    /** The highest own time of a record not kept because no rule of its time could use it. */
    private transient long lastUnused;

    private transient RuleTimeline<T> timeline;
    /** The outcomes of the rules' filters on the record at hand, by expression. */
    private transient Map<String, Boolean> filtered;

    private transient StreamRecord<ZoneAlert> reuse;
    private transient RuleMetrics metrics;

    /**
     * @param known the versions known when the job is built: {@code alerts.dir} as version 0, and any already
     *     deployed; later ones arrive on the second input
     * @param trusted the keys a deployed version must be signed by, if any
     * @param bucketMillis the resolution of CEP time for this input ({@link #bucketEnd}); 1 for none
     */
    public ZoneRules(
            RuleInput input,
            TypeSerializer<T> records,
            List<RuleSetVersion> known,
            TrustedKeys trusted,
            long bucketMillis,
            Clock clock) {
        this.input = input;
        this.records = records;
        this.known = List.copyOf(known);
        this.trusted = trusted;
        this.bucketMillis = bucketMillis;
        this.clock = clock;
    }

    /** The end of the bucket holding {@code timestamp}: never earlier than it, so never later for the watermark. */
    static long bucketEnd(long timestamp, long bucketMillis) {
        return Math.floorDiv(timestamp + bucketMillis - 1, bucketMillis) * bucketMillis;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        checkpointedWatermark = CheckpointedWatermark.restore(context.getOperatorStateStore());
        watermark = checkpointedWatermark.effective(Long.MIN_VALUE);
        deployed = context.getOperatorStateStore()
                .getBroadcastState(new MapStateDescriptor<>("rule-set-versions", Types.LONG, RuleSetVersion.TYPE));
        matchersWithState = context.getOperatorStateStore()
                .getUnionListState(new ListStateDescriptor<>("rules-with-state", Types.STRING));
        restoredMatchers = new HashSet<>();
        matchersWithState.get().forEach(restoredMatchers::add);
        zoneState = new HeapBetweenCheckpoints<>(context.getKeyedStateStore(), getKeyedStateBackend(), HELD_ZONES);
        waiting = zoneState.getMapState(
                new MapStateDescriptor<>("records-by-time", LongSerializer.INSTANCE, new ListSerializer<>(records)));
        plannedInFlight = zoneState.getState(
                new ValueStateDescriptor<>("planned-rules-in-flight", new ListSerializer<>(StringSerializer.INSTANCE)));
        episodes = zoneState.getState(new ValueStateDescriptor<>(
                "episodes",
                new MapSerializer<>(
                        StringSerializer.INSTANCE,
                        Episode.TYPE.createSerializer(getExecutionConfig().getSerializerConfig()))));
    }

    @Override
    public void open() throws Exception {
        super.open();
        timers = getInternalTimerService("rule-times", VoidNamespaceSerializer.INSTANCE, this);
        metrics = new RuleMetrics(
                getMetricGroup(), () -> timeline.inForceAt(watermark).version().version(), () -> timeline.latest());
        reuse = new StreamRecord<>(null);
        filtered = new HashMap<>();
        timeline = new RuleTimeline<>(input, bucketMillis, this::newMatcher);
        lastUnused = Long.MIN_VALUE;
        // a restored version is kept as it took effect, which may be later than it asked
        List<RuleSetVersion> restored = new ArrayList<>();
        deployed.entries().forEach(entry -> restored.add(entry.getValue()));
        for (RuleSetVersion version : known) {
            if (restored.stream().noneMatch(taken -> taken.version() == version.version())) {
                take(version, false);
            }
        }
        restored.sort(Comparator.comparingLong(RuleSetVersion::version));
        for (RuleSetVersion version : restored) {
            take(version, false);
        }
        retireBehind(watermark);
        clearRestoredWithout();
    }

    @Override
    public void processElement1(StreamRecord<T> element) throws Exception {
        if (!input.reaches(element.getValue())) {
            return;
        }
        long timestamp = element.getTimestamp();
        if (timestamp <= watermark) {
            metrics.late();
            return;
        }
        T record = element.getValue();
        long recordTime = input.eventTime(record);
        if (!usable(record, recordTime)) {
            lastUnused = Math.max(lastUnused, recordTime);
            return;
        }
        long time = bucketEnd(timestamp, bucketMillis);
        List<T> atTime = waiting.get(time);
        if (atTime == null) {
            atTime = new ArrayList<>();
            timers.registerEventTimeTimer(VoidNamespace.INSTANCE, time);
        }
        atTime.add(input.kept(record));
        waiting.put(time, atTime);
    }

    /** A newly deployed version: known ones (read again after a restore) are ignored. */
    @Override
    public void processElement2(StreamRecord<RuleSetVersion> element) throws Exception {
        RuleSetVersion version = element.getValue();
        if (!deployed.contains(version.version())) {
            take(version, true);
        }
    }

    @Override
    public void processWatermark1(Watermark mark) throws Exception {
        watermark = checkpointedWatermark.effective(mark.getTimestamp());
        super.processWatermark(mark);
        retireBehind(watermark);
        zoneState.writeBackIfFull();
    }

    /** Rule set versions carry no event time of their own: only the records' watermark counts. */
    @Override
    public void processWatermark2(Watermark mark) {}

    @Override
    protected void processWatermarkStatus(WatermarkStatus status, int index) throws Exception {
        if (index == 0) {
            super.processWatermarkStatus(status);
        }
    }

    /**
     * Matches the zone's records of one CEP time, which each registered a timer at it, and then moves every rule to
     * that time. Timers of one zone fire in time order, so every earlier time is matched already; later ones wait for
     * their own timer even when the watermark has passed them too, which is what flink-cep does: each CEP time is
     * preceded by moving the rules to it. Moving to the timer's time rather than the watermark's prunes no record
     * still to be matched; a partial match that times out later, and the completed matches it held back (a skip
     * strategy emits matches in the order they began), are handled by the timer its window registered, at the CEP
     * time it times out, before any later record. Then the episodes no match can continue any more resolve, at the
     * timers their matches registered.
     */
    @Override
    public void onEventTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        long time = timer.getTimestamp();
        ZoneEpisodes zoneEpisodes = new ZoneEpisodes(episodes.value(), clock);
        Map<RuleMatcher<T>, RuleMatcher.InZone<T>> touched = new HashMap<>();
        List<T> atTime = waiting.get(time);
        if (atTime != null) {
            atTime.sort(input.matchOrder());
            for (T record : atTime) {
                RuleTimeline.InForce<T> version = timeline.inForceAt(input.eventTime(record));
                filtered.clear();
                for (RuleMatcher<T> rule : version.rules()) {
                    if (!rule.accepts(record, filtered)) {
                        continue;
                    }
                    RuleMatcher.InZone<T> zone = touched.get(rule);
                    if (zone == null) {
                        zone = rule.inZone();
                        touched.put(rule, zone);
                        raise(rule, zone.advance(time), version, time, zoneEpisodes);
                    }
                    raise(rule, zone.process(record, time, timers::currentProcessingTime), version, time, zoneEpisodes);
                    if (rule.windowMillis() > 0 && zone.beganPartialMatch()) {
                        timers.registerEventTimeTimer(VoidNamespace.INSTANCE, time + rule.windowMillis());
                    }
                }
            }
            waiting.remove(time);
        }
        RuleTimeline.InForce<T> current = timeline.inForceAt(time);
        List<String> stored = plannedInFlight.value();
        List<String> inFlight = stored != null ? stored : new ArrayList<>();
        boolean inFlightChanged = false;
        for (RuleMatcher<T> rule : timeline.matchers()) {
            RuleMatcher.InZone<T> zone = touched.get(rule);
            boolean planned = rule.plan().planned();
            if (zone == null && planned && !inFlight.contains(rule.identity())) {
                continue; // nothing in flight in this zone: nothing to move on
            }
            try (RuleMatcher.InZone<T> moved = zone != null ? zone : rule.inZone()) {
                raise(rule, moved.advance(time), current, time, zoneEpisodes);
                zone = moved;
            }
            if (planned && zone.inFlight() != inFlight.contains(rule.identity())) {
                if (zone.inFlight()) {
                    inFlight.add(rule.identity());
                } else {
                    inFlight.remove(rule.identity());
                }
                inFlightChanged = true;
            }
        }
        // a rule retired since has had its state cleared
        inFlightChanged |= inFlight.removeIf(identity -> !timeline.has(identity));
        if (inFlightChanged) {
            plannedInFlight.update(inFlight.isEmpty() ? null : inFlight);
        }
        for (ZoneAlert resolved : zoneEpisodes.resolveBy(time)) {
            output.collect(reuse.replace(resolved, time));
            metrics.resolved(resolved.rule());
        }
        if (zoneEpisodes.changed()) {
            episodes.update(zoneEpisodes.values());
        }
    }

    @Override
    public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) {}

    /** Every zone's rule state goes to the backend before the barrier, so that the checkpoint holds it all. */
    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        zoneState.writeBack();
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        checkpointedWatermark.snapshot();
        matchersWithState.update(
                timeline.matchers().stream().map(RuleMatcher::identity).toList());
    }

    @Override
    public void close() throws Exception {
        super.close();
        if (timeline != null) {
            timeline.close();
        }
    }

    /** Whether a rule in force at the record's time can use it, so that it must be kept until the watermark. */
    private boolean usable(T record, long recordTime) {
        filtered.clear();
        for (RuleMatcher<T> rule : timeline.inForceAt(recordTime).rules()) {
            if (rule.accepts(record, filtered)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Takes the matches into the zone's episodes: a match continues the rule's open episode, or opens one and writes
     * its {@code FIRING} record (and the {@code RESOLVED} record of the episode it came too late for). Either way the
     * episode's settling time gets a timer.
     */
    private void raise(
            RuleMatcher<T> rule,
            Collection<Map<String, List<T>>> matches,
            RuleTimeline.InForce<T> version,
            long time,
            ZoneEpisodes zoneEpisodes) {
        String name = rule.rule().name();
        long resolveAfter = rule.rule().resolveAfter().toMillis();
        long settle = rule.rule().within().toMillis() + bucketMillis;
        for (Map<String, List<T>> match : matches) {
            // the alert, its summary and its id are built only for a match that opens an episode
            Episode episode = zoneEpisodes.continueWith(name, rule.lastEventTime(match), resolveAfter, settle);
            if (episode != null) {
                metrics.continued(name);
            } else {
                for (ZoneAlert alert :
                        zoneEpisodes.open(rule.alert(match, version.version().version()), resolveAfter, settle)) {
                    output.collect(reuse.replace(alert, time));
                    if (alert.resolved()) {
                        metrics.resolved(name);
                    } else {
                        metrics.opened(name);
                    }
                }
                episode = zoneEpisodes.episode(name);
            }
            timers.registerEventTimeTimer(VoidNamespace.INSTANCE, episode.settledAt());
        }
    }

    /**
     * Compiles a version's rules for this input and puts it on the timeline, or refuses it. A version that arrives
     * when the watermark, or a record set aside as unusable, is already at its {@code effectiveFrom} takes effect just
     * after them instead, and is kept so, so that a restore replays the same switch.
     *
     * @param arriving whether it arrived while the job runs, rather than being known at start
     */
    private void take(RuleSetVersion version, boolean arriving) throws Exception {
        List<AlertRule> rules;
        try {
            // whatever a version's text does to the parser ends here, or the job would restart on it for good: it
            // is read again at every start
            rules = version.rules(trusted, clock.millis());
        } catch (RuleException e) {
            metrics.refused();
            if (getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0) {
                LOG.warn(
                        "rule set version {} refused, the version in force stays: {}",
                        version.version(),
                        e.getMessage());
            }
            return;
        }
        RuleSetVersion effective = version;
        long earliest = Math.max(watermark, lastUnused);
        if (arriving && earliest != Long.MIN_VALUE && version.effectiveFrom() <= earliest) {
            effective = version.effectiveAt(earliest + 1);
            if (getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0) {
                LOG.warn(
                        "rule set version {} arrived with effective_from {} already behind the job's event time;"
                                + " it takes effect at {}",
                        version.version(),
                        version.effectiveFrom(),
                        earliest + 1);
            }
        }
        timeline.put(effective, rules);
        if (effective.version() > 0 || arriving) {
            deployed.put(effective.version(), effective);
        }
        LOG.info(
                "rule set version {} on {}: {} rule(s), effective from {}",
                effective.version(),
                input.wireName(),
                rules.stream().filter(rule -> rule.input() == input).count(),
                effective.effectiveFrom());
    }

    private RuleMatcher<T> newMatcher(AlertRule rule) throws Exception {
        metrics.register(rule.name());
        return RuleMatcher.of(
                rule,
                zoneState,
                records,
                SharedBufferCacheConfig.of(getOperatorConfig().getConfiguration()),
                bucketMillis,
                getRuntimeContext(),
                clock);
    }

    /** Drops the versions the watermark has left behind, and clears in every zone the rules no later one has. */
    private void retireBehind(long now) throws Exception {
        for (RuleMatcher<T> rule : timeline.retireBehind(now)) {
            zoneState.release(rule.keyedStates());
            clearEverywhere(rule.keyedStates());
            rule.close();
            LOG.info("rule {} retired on {}: its state is cleared in every zone", rule.identity(), input.wireName());
        }
    }

    /** Clears the state of rules a checkpoint had and no version in force has any more (removed, renamed, changed). */
    private void clearRestoredWithout() throws Exception {
        for (String identity : restoredMatchers) {
            if (!timeline.has(identity)) {
                RuleStateStore store = new RuleStateStore(getKeyedStateStore(), identity);
                RuleMatcher.registerStates(store, records);
                clearEverywhere(store.states());
                LOG.info(
                        "rule {} is in the restored state but in no rule set version in force: its state is"
                                + " cleared",
                        identity);
            }
        }
        restoredMatchers.clear();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void clearEverywhere(List<StateDescriptor<?, ?>> states) throws Exception {
        for (StateDescriptor<?, ?> state : states) {
            getKeyedStateBackend()
                    .applyToAllKeys(
                            VoidNamespace.INSTANCE,
                            VoidNamespaceSerializer.INSTANCE,
                            (StateDescriptor) state,
                            (key, value) -> ((State) value).clear());
        }
    }
}
