package io.surge.pricing;

import io.surge.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.flink.api.common.TaskInfo;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Publishes each zone's price ({@link PricingPolicy}) from its counted result and its neighbours', on a stream keyed by
 * the zone being priced.
 *
 * <p>Every zone's results for a window are emitted when the watermark reaches that window's emit time and carry it as
 * their timestamp; the watermark that follows them here has passed it on every channel, so on that watermark the zone's
 * own result and every neighbour's are here, as exactly as the windows counted them. A zone with no result of its own
 * in a window publishes nothing for it: its neighbours' results are only pooled into theirs.
 *
 * <p>Most zones a result is shared with have no result of their own (on a world-sized map nearly all), so the pools
 * live on the heap, from their first share to the watermark that prices them, with no timer; only a priced zone's last
 * price is keyed state. Pools still open at a checkpoint go into it as operator state, which every subtask reads back
 * on restore, keeping those of the zones it now owns.
 */
public final class PublishPrices extends AbstractStreamOperator<ZoneSurge>
        implements OneInputStreamOperator<PoolShare, ZoneSurge> {

    private static final long serialVersionUID = 1L;
    private static final String LAST_PRICE = "last-price";

    private final WindowSpec window;
    private final PricingPolicy policy;
    private final Clock clock;

    /** By the windows' emit time, then zone: the zone's own result, if it came, and its neighbours' sums. */
    private transient NavigableMap<Long, Map<String, Pool>> pools;

    /**
     * How many zones the last window priced had pools: the next window's map is made that size, rather than rehashed
     * up to it on a world-sized map.
     */
    private transient int lastPoolCount;

    private transient ListState<OpenPool> checkpointedPools;
    /**
     * The zone's last published price, kept only while the next price moves from it: until the next window is priced,
     * or passes without a result of the zone. Without it, a price moves from 1.0.
     */
    private transient ValueState<LastPrice> lastPrice;
    /**
     * The zones of this subtask whose {@link #lastPrice} is held. On a world-sized map few are, and most zones priced
     * have only their neighbours' results: asking the state backend about each of those cost a RocksDB read per zone.
     */
    private transient Set<String> pricesHeld;
    /** The highest price among this subtask's zones in the latest window it priced: the city's peak price. */
    private transient double latestMaxMultiplier;

    private transient long latestWindowEnd;

    /**
     * @param own the zone's own counted result, null until it arrives
     * @param neighbourDemand its neighbours' demand, summed
     * @param neighbourSupply its neighbours' supply, summed
     */
    public record Pool(ZoneSurge own, long neighbourDemand, long neighbourSupply) {

        static final Pool EMPTY = new Pool(null, 0, 0);

        Pool with(PoolShare share) {
            return share.own() != null
                    ? new Pool(share.own(), neighbourDemand, neighbourSupply)
                    : new Pool(own, neighbourDemand + share.demand(), neighbourSupply + share.supply());
        }
    }

    /** A pool open at a checkpoint: the windows' emit time it waits for and the zone it prices. */
    public record OpenPool(long emittedAt, String zoneId, Pool pool) {}

    /** A published price and the end of its window. */
    public record LastPrice(long windowEnd, double multiplier) {}

    public PublishPrices(WindowSpec window, PricingPolicy policy, Clock clock) {
        this.window = window;
        this.policy = policy;
        this.clock = clock;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        pools = new TreeMap<>();
        checkpointedPools = context.getOperatorStateStore()
                .getUnionListState(new ListStateDescriptor<>("open-pools", TypeInformation.of(OpenPool.class)));
        TaskInfo task = getRuntimeContext().getTaskInfo();
        for (OpenPool open : checkpointedPools.get()) {
            if (KeyGroupRangeAssignment.assignKeyToParallelOperator(
                            open.zoneId(), task.getMaxNumberOfParallelSubtasks(), task.getNumberOfParallelSubtasks())
                    == task.getIndexOfThisSubtask()) {
                poolsAt(open.emittedAt()).put(open.zoneId(), open.pool());
            }
        }
        lastPrice = getKeyedStateStore().getState(new ValueStateDescriptor<>(LAST_PRICE, LastPrice.class));
        pricesHeld = new HashSet<>();
        try (Stream<String> held = this.<String>getKeyedStateBackend().getKeys(LAST_PRICE, VoidNamespace.INSTANCE)) {
            held.forEach(pricesHeld::add);
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        getMetricGroup().addGroup("surge").gauge("maxMultiplier", () -> latestMaxMultiplier);
    }

    @Override
    public void processElement(StreamRecord<PoolShare> element) {
        PoolShare share = element.getValue();
        poolsAt(element.getTimestamp())
                .compute(share.zoneId(), (zone, pool) -> (pool == null ? Pool.EMPTY : pool).with(share));
    }

    /** The pools of the windows emitted at {@code emittedAt}, by zone. */
    private Map<String, Pool> poolsAt(long emittedAt) {
        return pools.computeIfAbsent(emittedAt, at -> new HashMap<>((int) (lastPoolCount / 0.75f) + 1));
    }

    /** Prices every pool whose windows the watermark has emitted, before passing the watermark on. */
    @Override
    public void processWatermark(Watermark mark) throws Exception {
        while (!pools.isEmpty() && pools.firstKey() <= mark.getTimestamp()) {
            Map.Entry<Long, Map<String, Pool>> due = pools.pollFirstEntry();
            long emittedAt = due.getKey();
            lastPoolCount = due.getValue().size();
            long windowEnd = window.windowEnd(window.endSliceEmittedAt(emittedAt));
            for (Map.Entry<String, Pool> zone : due.getValue().entrySet()) {
                price(zone.getKey(), zone.getValue(), windowEnd, emittedAt);
            }
        }
        super.processWatermark(mark);
    }

    private void price(String zoneId, Pool pool, long windowEnd, long emittedAt) throws Exception {
        boolean held = pricesHeld.contains(zoneId);
        if (pool.own() == null && !held) {
            return; // only pooled into its neighbours' prices
        }
        setCurrentKey(zoneId);
        LastPrice last = held ? lastPrice.value() : null;
        if (pool.own() == null) {
            if (last.windowEnd() < windowEnd) {
                forgetLastPrice(zoneId); // the zone had no result in this window: its next price moves from 1.0
            }
            return;
        }
        ZoneSurge priced = policy.price(
                pool.own(),
                pool.neighbourDemand(),
                pool.neighbourSupply(),
                last == null ? Multiplier.MIN : last.multiplier(),
                clock.millis());
        output.collect(new StreamRecord<>(priced, emittedAt));
        trackMaxMultiplier(windowEnd, priced.multiplier());
        if (priced.multiplier() == Multiplier.MIN) {
            if (held) {
                // What a zone with no last price moves from anyway. Only a price held is cleared: on RocksDB every
                // delete is a tombstone, and most zones of a world-sized map are priced at the minimum every window.
                forgetLastPrice(zoneId);
            }
        } else {
            lastPrice.update(new LastPrice(windowEnd, priced.multiplier()));
            pricesHeld.add(zoneId);
            // so that the next window forgets it if the zone has no result there
            poolsAt(window.emitTime(window.sliceOf(windowEnd) + 1)).putIfAbsent(zoneId, Pool.EMPTY);
        }
    }

    private void forgetLastPrice(String zoneId) {
        lastPrice.clear();
        pricesHeld.remove(zoneId);
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        List<OpenPool> open = new ArrayList<>();
        pools.forEach(
                (emittedAt, zones) -> zones.forEach((zone, pool) -> open.add(new OpenPool(emittedAt, zone, pool))));
        checkpointedPools.update(open);
    }

    /** How many windows' pools wait for the watermark: none once every window is priced. */
    int openWindows() {
        return pools.size();
    }

    private void trackMaxMultiplier(long windowEnd, double multiplier) {
        if (windowEnd > latestWindowEnd) {
            latestWindowEnd = windowEnd;
            latestMaxMultiplier = multiplier;
        } else if (windowEnd == latestWindowEnd) {
            latestMaxMultiplier = Math.max(latestMaxMultiplier, multiplier);
        }
    }
}
