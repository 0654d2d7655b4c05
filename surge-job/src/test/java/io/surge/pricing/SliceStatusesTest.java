package io.surge.pricing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** A driver's statuses by slice, against a plain map of slice to latest status. */
class SliceStatusesTest {

    @Test
    void keepsTheLatestStatusOfEachSliceAndPrunesAsAMapWould() {
        Random random = new Random(11);
        for (int round = 0; round < 200; round++) {
            long[] pairs = null;
            TreeMap<Long, Long> oracle = new TreeMap<>();
            for (int step = 0; step < 30; step++) {
                long slice = random.nextInt(12);
                long status = random.nextInt(100);
                long[] before = pairs;
                pairs = SliceStatuses.with(pairs, slice, status);
                boolean later = oracle.getOrDefault(slice, Long.MIN_VALUE) < status;
                oracle.merge(slice, status, Math::max);
                assertThat(pairs == before)
                        .as("unchanged exactly when not later")
                        .isEqualTo(!later);
                assertThat(asMap(pairs)).isEqualTo(oracle);

                long from = random.nextInt(6);
                long to = from + random.nextInt(7);
                long expected = oracle.subMap(from, true, to, true).values().stream()
                        .mapToLong(Long::longValue)
                        .max()
                        .orElse(SliceStatuses.NONE);
                assertThat(SliceStatuses.latest(pairs, s -> s >= from && s <= to))
                        .isEqualTo(expected);
            }
            long first = random.nextInt(14);
            long[] kept = SliceStatuses.from(pairs, first);
            assertThat(asMap(kept)).isEqualTo(oracle.tailMap(first, true));
            assertThat(kept == pairs)
                    .as("the same array when nothing is pruned")
                    .isEqualTo(oracle.headMap(first, false).isEmpty());
        }
    }

    private static Map<Long, Long> asMap(long[] pairs) {
        Map<Long, Long> map = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            assertThat(map.put(pairs[i], pairs[i + 1])).as("one pair per slice").isNull();
        }
        return map;
    }
}
