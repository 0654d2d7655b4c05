package io.surge.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.surge.bench.PriceQuality.Priced;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PriceQualityTest {

    private static final String A = "zone_4071_-7401";
    private static final String B = "zone_4071_-7400"; // A's neighbour to the east
    private static final String FAR = "zone_4080_-7401";

    @Test
    void figuresOfAHandCountedRun() {
        List<Priced> results = new ArrayList<>();
        // A's raw prices turn back three times (up, down, up, down); its published ones never do
        double[] rawA = {1.0, 3.0, 1.2, 4.0, 1.0, 1.1};
        double[] publishedA = {1.0, 1.5, 1.5, 2.0, 2.0, 2.0};
        for (int i = 0; i < rawA.length; i++) {
            results.add(new Priced(A, 5_000L * (i + 1), i == 1 ? 2 : 20, i == 1 ? 2.0 : 30.0, rawA[i], publishedA[i]));
        }
        // B beside A in the first two windows, FAR far from both
        results.add(new Priced(B, 5_000, 1, 8.0, 5.0, 2.0));
        results.add(new Priced(B, 10_000, 9, 10.0, 2.0, 2.0));
        results.add(new Priced(FAR, 5_000, 1, 1.0, 5.0, 1.0));

        PriceQuality quality = PriceQuality.of(results, 5_000);
        // at 3x or more: A twice, B, FAR; on a demand of at most 2: A's second, B's first, FAR; at 2x or more on a
        // pooled demand of at most 2: A's second, FAR. 9 results of 5 s each: 45 s, 1/80 of an hour
        assertThat(quality.raw())
                .isEqualTo(new PriceQuality.Figures(
                        9,
                        4,
                        3,
                        2,
                        3 * 80.0,
                        // gaps: window 5 s |1.0 - 5.0| = 4, window 10 s |3.0 - 2.0| = 1
                        1.0,
                        4.0));
        assertThat(quality.published()).isEqualTo(new PriceQuality.Figures(9, 0, 0, 0, 0, 0.5, 1.0));
    }

    @Test
    void aRunWithoutResultsHasNoFigures() {
        assertThat(PriceQuality.of(List.of(), 5_000).raw()).isEqualTo(new PriceQuality.Figures(0, 0, 0, 0, 0, 0, 0));
    }
}
