package io.surge.pricing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MultiplierTest {

    @ParameterizedTest(name = "demand {0}, supply {1} -> {2}")
    @CsvSource({
        "0, 0, 1.0", // nobody asking: no surge, even with no drivers
        "0, 7, 1.0",
        "3, 0, 5.0", // demand and no supply: the cap
        "1, 3, 1.0", // more drivers than riders: never below 1.0
        "3, 2, 1.5",
        "5, 1, 5.0",
        "6, 1, 5.0", // above the cap
        "9, 2, 4.5",
    })
    void multiplierIsDemandOverSupplyClampedToOneAndFive(long demand, long supply, double expected) {
        assertThat(Multiplier.of(demand, supply)).isEqualTo(expected);
    }
}
