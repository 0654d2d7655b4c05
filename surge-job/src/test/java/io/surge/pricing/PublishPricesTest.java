package io.surge.pricing;

import static org.assertj.core.api.Assertions.assertThat;

import io.surge.testing.PriceOracle;
import io.surge.testing.SurgeResults;
import io.surge.testing.TaskCheckpoints;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PublishPricesTest {

    private static final WindowSpec WINDOWS = new WindowSpec(30_000, 5_000, 0);
    private static final long COMPUTED_AT = 42;
    private static final int MAX_PARALLELISM = 128;

    /**
     * Counted results of a 6 x 6 block of zones over 300 slides, some zones silent in some windows, demand in bursts,
     * shared with neighbours as the job shares them and delivered by two window subtasks whose results and watermarks
     * interleave at random; the operator is snapshotted on RocksDB in the middle, with pools open, and restored, at the
     * same parallelism or split in two. Its prices equal the oracle's, and nothing is left in its state once every
     * window is priced.
     */
    @ParameterizedTest(name = "restored at parallelism {0}")
    @ValueSource(ints = {1, 2})
    void pricesEqualThePlainOnesAcrossARestoreWhateverTheInterleavingOfWindowSubtasks(int parallelismAfter)
            throws Exception {
        AreaCap capped = new AreaCap("zone_4072_-7398", 2.5, Set.of("zone_4072_-7398"), null, null, null);
        PricingPolicy policy = new PricingPolicy(0.25, 3, 0.5, 0.3, 4.0, List.of(capped));
        PriceOracle oracle = new PriceOracle(
                WINDOWS.slideMillis(), 0.25, 3, 0.5, 0.3, 4.0, Map.of("zone_4072_-7398", 2.5), policy.version());
        Random random = new Random(29);
        List<ZoneSurge> counted = countedResults(random, 300);
        List<ZoneSurge> expected = oracle.publish(counted).stream()
                .map(SurgeResults::withoutComputedAt)
                .toList();
        assertThat(expected)
                .as("every step of the policy changes some price")
                .anyMatch(price -> price.pricing().adjustedBy(ZoneSurge.Adjustment.EVIDENCE)
                        && price.pricing().adjustedBy(ZoneSurge.Adjustment.SMOOTHING))
                .anyMatch(price -> "global".equals(price.pricing().cap()))
                .anyMatch(price -> "zone_4072_-7398".equals(price.pricing().cap()))
                .anyMatch(price -> price.multiplier() >= 3);

        List<List<Object>> subtasks = List.of(new ArrayList<>(), new ArrayList<>());
        for (ZoneSurge result : counted) {
            List<Object> subtask = subtasks.get(Math.floorMod(result.zoneId().hashCode(), 2));
            List<PoolShare> shares = new ArrayList<>();
            new ShareWithNeighbours().flatMap(result, new ListCollector<>(shares));
            long emittedAt = WINDOWS.emitTime(WINDOWS.sliceOf(result.windowEnd()));
            shares.forEach(share -> subtask.add(new StreamRecord<>(share, emittedAt)));
        }
        for (List<Object> subtask : subtasks) {
            for (long end = 5_000; end <= 300 * 5_000L; end += 5_000) {
                long emittedAt = end - 1;
                int after = lastIndexBefore(subtask, emittedAt);
                subtask.add(after, new Watermark(emittedAt));
            }
        }

        List<ZoneSurge> published = new ArrayList<>();
        int[] next = {0, 0};
        long[] watermarks = {Long.MIN_VALUE, Long.MIN_VALUE};
        long forwarded = Long.MIN_VALUE;
        List<KeyedOneInputStreamOperatorTestHarness<String, PoolShare, ZoneSurge>> running =
                List.of(openOnRocksDb(policy, null, 1, 0));
        boolean restored = false;
        while (next[0] < subtasks.get(0).size() || next[1] < subtasks.get(1).size()) {
            int from = next[0] == subtasks.get(0).size()
                    ? 1
                    : next[1] == subtasks.get(1).size() ? 0 : random.nextInt(2);
            Object element = subtasks.get(from).get(next[from]++);
            if (element instanceof Watermark mark) {
                watermarks[from] = mark.getTimestamp();
                long least = Math.min(watermarks[0], watermarks[1]);
                if (least > forwarded) {
                    forwarded = least;
                    for (var harness : running) {
                        harness.processWatermark(least);
                    }
                }
            } else {
                @SuppressWarnings("unchecked")
                StreamRecord<PoolShare> share = (StreamRecord<PoolShare>) element;
                running.get(KeyGroupRangeAssignment.assignKeyToParallelOperator(
                                share.getValue().zoneId(), MAX_PARALLELISM, running.size()))
                        .processElement(share);
            }
            if (!restored && forwarded >= 150 * 5_000L) {
                var before = running.get(0);
                assertThat(((PublishPrices) before.getOperator()).openWindows())
                        .as("pools open at the snapshot")
                        .isPositive();
                published.addAll(before.extractOutputValues());
                OperatorSubtaskState snapshot = TaskCheckpoints.take(before);
                before.close();
                List<KeyedOneInputStreamOperatorTestHarness<String, PoolShare, ZoneSurge>> after = new ArrayList<>();
                for (int subtask = 0; subtask < parallelismAfter; subtask++) {
                    after.add(openOnRocksDb(
                            policy,
                            AbstractStreamOperatorTestHarness.repartitionOperatorState(
                                    snapshot, MAX_PARALLELISM, 1, parallelismAfter, subtask),
                            parallelismAfter,
                            subtask));
                }
                running = after;
                restored = true;
            }
        }
        assertThat(restored).isTrue();
        for (var harness : running) {
            harness.processWatermark(Long.MAX_VALUE); // the inputs end
            published.addAll(harness.extractOutputValues());
            try (var zones =
                    harness.getOperator().getKeyedStateBackend().getKeys("last-price", VoidNamespace.INSTANCE)) {
                assertThat(zones.count()).as("zones with a last price left").isZero();
            }
            assertThat(((PublishPrices) harness.getOperator()).openWindows())
                    .as("pools left")
                    .isZero();
            harness.close();
        }
        assertThat(published.stream()
                        .map(SurgeResults::withoutComputedAt)
                        .sorted(RESULT_ORDER)
                        .toList())
                .isEqualTo(expected.stream().sorted(RESULT_ORDER).toList());
    }

    private static final java.util.Comparator<ZoneSurge> RESULT_ORDER =
            java.util.Comparator.comparingLong(ZoneSurge::windowEnd).thenComparing(ZoneSurge::zoneId);

    /** Where a watermark at {@code timestamp} goes: after every record stamped at or before it. */
    private static int lastIndexBefore(List<Object> subtask, long timestamp) {
        int index = subtask.size();
        while (index > 0
                && subtask.get(index - 1) instanceof StreamRecord<?> record
                && record.getTimestamp() > timestamp) {
            index--;
        }
        return index;
    }

    /** Results of a 6 x 6 block, a zone silent in a window one time in four, demand now and then in bursts. */
    private static List<ZoneSurge> countedResults(Random random, int slides) {
        List<ZoneSurge> counted = new ArrayList<>();
        double[] heat = new double[36];
        for (int slide = 1; slide <= slides; slide++) {
            long end = slide * 5_000L;
            for (int zone = 0; zone < 36; zone++) {
                heat[zone] = random.nextDouble() < 0.02 ? 10 * random.nextDouble() : heat[zone] * 0.95;
                if (random.nextDouble() < 0.25) {
                    continue;
                }
                long supply = random.nextInt(8);
                long demand = Math.round(supply * (0.5 + heat[zone]) + random.nextInt(3));
                String zoneId = "zone_" + (4070 + zone / 6) + "_" + (-7400 + zone % 6);
                counted.add(ZoneSurge.counted(zoneId, end - 30_000, end, demand, supply, COMPUTED_AT));
            }
        }
        return counted;
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, PoolShare, ZoneSurge> openOnRocksDb(
            PricingPolicy policy, OperatorSubtaskState restoreFrom, int parallelism, int subtask) throws Exception {
        var harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new PublishPrices(WINDOWS, policy, () -> COMPUTED_AT),
                PoolShare::zoneId,
                Types.STRING,
                MAX_PARALLELISM,
                parallelism,
                subtask);
        harness.setStateBackend(new EmbeddedRocksDBStateBackend());
        if (restoreFrom != null) {
            harness.initializeState(restoreFrom);
        }
        harness.open();
        return harness;
    }
}
