package io.surge.pricing;

import io.surge.time.Clock;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Publishes each zone's price ({@link PricingPolicy}) from its counted result and its neighbours', keyed by the zone
 * being priced.
 *
 * <p>Every zone's results for a window are emitted when the watermark reaches that window's emit time and carry it as
 * their timestamp; the watermark that follows them here has passed it on every channel, so a timer at that time sees
 * the zone's own result and every neighbour's, as exactly as the windows counted them. A zone with no result of its
 * own in a window publishes nothing for it: its neighbours' results are only pooled into theirs.
 */
public final class PublishPrices extends KeyedProcessFunction<String, PoolShare, ZoneSurge> {

    private static final long serialVersionUID = 1L;

    private final WindowSpec window;
    private final PricingPolicy policy;
    private final Clock clock;

    /** By window end: the zone's own result, if it came, and the sums of its neighbours'. */
    private transient MapState<Long, Pool> pools;
    /**
     * The zone's last published price, kept only while the next price moves from it: until the next window is priced,
     * or passes without a result of the zone. Without it, a price moves from 1.0.
     */
    private transient ValueState<LastPrice> lastPrice;
    /** The highest price among this subtask's zones in the latest window it priced: the city's peak price. */
    private transient double latestMaxMultiplier;
    private transient long latestWindowEnd;

    /**
     * @param own the zone's own counted result, null until it arrives
     * @param neighbourDemand its neighbours' demand, summed
     * @param neighbourSupply its neighbours' supply, summed
     */
    public record Pool(ZoneSurge own, long neighbourDemand, long neighbourSupply) {

        Pool with(PoolShare share) {
            ZoneSurge surge = share.surge();
            return share.isOwn()
                    ? new Pool(surge, neighbourDemand, neighbourSupply)
                    : new Pool(own, neighbourDemand + surge.demand(), neighbourSupply + surge.supply());
        }
    }

    /** A published price and the end of its window. */
    public record LastPrice(long windowEnd, double multiplier) {}

    public PublishPrices(WindowSpec window, PricingPolicy policy, Clock clock) {
        this.window = window;
        this.policy = policy;
        this.clock = clock;
    }

    @Override
    public void open(OpenContext openContext) {
        pools = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("pools", Types.LONG, TypeInformation.of(Pool.class)));
        lastPrice = getRuntimeContext().getState(new ValueStateDescriptor<>("last-price", LastPrice.class));
        getRuntimeContext().getMetricGroup().addGroup("surge").gauge("maxMultiplier", () -> latestMaxMultiplier);
    }

    @Override
    public void processElement(PoolShare share, Context ctx, Collector<ZoneSurge> out) throws Exception {
        long windowEnd = share.surge().windowEnd();
        Pool pool = pools.get(windowEnd);
        pools.put(windowEnd, (pool == null ? new Pool(null, 0, 0) : pool).with(share));
        if (pool == null) {
            ctx.timerService().registerEventTimeTimer(ctx.timestamp());
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ZoneSurge> out) throws Exception {
        long windowEnd = window.windowEnd(window.endSliceEmittedAt(timestamp));
        Pool pool = pools.get(windowEnd);
        LastPrice last = lastPrice.value();
        if (pool != null && pool.own() != null) {
            ZoneSurge priced = policy.price(pool.own(), pool.neighbourDemand(), pool.neighbourSupply(),
                    last == null ? Multiplier.MIN : last.multiplier(), clock.millis());
            out.collect(priced);
            trackMaxMultiplier(windowEnd, priced.multiplier());
            last = new LastPrice(windowEnd, priced.multiplier());
            if (priced.multiplier() == Multiplier.MIN) {
                lastPrice.clear(); // what a zone with no last price moves from anyway
            } else {
                lastPrice.update(last);
                // to forget it if the zone has no result then
                ctx.timerService().registerEventTimeTimer(window.emitTime(window.sliceOf(windowEnd) + 1));
            }
        } else if (last != null && last.windowEnd() < windowEnd) {
            lastPrice.clear();
        }
        if (pool != null) {
            pools.remove(windowEnd);
        }
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
