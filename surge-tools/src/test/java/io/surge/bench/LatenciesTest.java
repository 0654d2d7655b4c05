package io.surge.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LatenciesTest {

    @Test
    void countsFromTheMomentEachWindowCouldCloseAndLeavesOutWarmUpAndWindDown() {
        List<long[]> arrivals = new ArrayList<>();
        long bound = 5_000;
        // windows ending at 10 s .. 109 s (one per second), each read 1..100 ms after end + bound
        for (int i = 0; i < 100; i++) {
            long end = 10_000 + i * 1_000L;
            arrivals.add(new long[] {end, end + bound + (i + 1)});
        }
        arrivals.add(new long[] {9_000, 9_000 + bound + 9_999}); // before the run warmed up
        arrivals.add(new long[] {110_000, 110_000 + bound + 9_999}); // after the traffic stopped

        Latencies latencies = Latencies.of(arrivals, 10_000, 109_000, bound);

        assertThat(latencies.results()).isEqualTo(100);
        assertThat(latencies.p50()).isEqualTo(50);
        assertThat(latencies.p99()).isEqualTo(99);
        assertThat(latencies.max()).isEqualTo(100);
        assertThat(latencies.firstP50())
                .as("one result per window end: each is the first")
                .isEqualTo(50);
    }

    @Test
    void theFirstResultOfEachWindowEndShowsTheWaitEveryResultShares() {
        List<long[]> arrivals = new ArrayList<>();
        long bound = 5_000;
        // ten window ends; for each, 20 zones read one after another from 30 + end's index ms on, 10 ms apart
        for (int w = 0; w < 10; w++) {
            long end = 10_000 + w * 5_000L;
            for (int zone = 0; zone < 20; zone++) {
                arrivals.add(new long[] {end, end + bound + 30 + w + zone * 10L});
            }
        }

        Latencies latencies = Latencies.of(arrivals, 0, Long.MAX_VALUE, bound);

        assertThat(latencies.results()).isEqualTo(200);
        assertThat(latencies.firstP50()).isEqualTo(34);
        assertThat(latencies.firstP99()).isEqualTo(39);
        assertThat(latencies.max()).isEqualTo(39 + 190);
    }

    @Test
    void noResultsGiveZeros() {
        assertThat(Latencies.of(List.of(), 0, 1, 0)).isEqualTo(new Latencies(0, 0, 0, 0, 0, 0));
    }
}
