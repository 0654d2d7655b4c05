package io.surge.pricing;

import io.surge.zone.ZoneNeighbours;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/** Sends each counted result to its own zone and to every neighbour, which pool it into their prices. */
public final class ShareWithNeighbours implements FlatMapFunction<ZoneSurge, PoolShare> {

    private static final long serialVersionUID = 1L;

    @Override
    public void flatMap(ZoneSurge counted, Collector<PoolShare> out) {
        out.collect(PoolShare.own(counted));
        for (String neighbour : ZoneNeighbours.of(counted.zoneId())) {
            out.collect(PoolShare.withNeighbour(neighbour, counted));
        }
    }
}
