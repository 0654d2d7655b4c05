package io.surge.zone;

import static org.assertj.core.api.Assertions.assertThat;

import com.uber.h3core.H3Core;
import org.junit.jupiter.api.Test;

class ZoneNeighboursTest {

    @Test
    void aGridZoneHasTheEightCellsAroundIt() {
        assertThat(ZoneNeighbours.of("zone_4071_-7401"))
                .containsExactlyInAnyOrder(
                        "zone_4070_-7402",
                        "zone_4070_-7401",
                        "zone_4070_-7400",
                        "zone_4071_-7402",
                        "zone_4071_-7400",
                        "zone_4072_-7402",
                        "zone_4072_-7401",
                        "zone_4072_-7400");
    }

    @Test
    void acrossTheAntimeridianTheGridWrapsAndAtAPoleItStops() {
        assertThat(ZoneNeighbours.of("zone_0_17999")).contains("zone_0_-18000", "zone_1_-18000", "zone_-1_-18000");
        assertThat(ZoneNeighbours.of("zone_0_-18000")).contains("zone_0_17999");
        assertThat(ZoneNeighbours.of("zone_8999_0")).hasSize(5).noneMatch(zone -> zone.startsWith("zone_9000_"));
    }

    @Test
    void anH3ZoneHasTheCellsOneStepAway() throws Exception {
        String cell = H3Core.newInstance().latLngToCellAddress(40.7128, -74.0060, 8);
        assertThat(ZoneNeighbours.of("h3_" + cell))
                .hasSize(6)
                .allMatch(zone -> zone.startsWith("h3_"))
                .doesNotContain("h3_" + cell);
    }

    @Test
    void anIdOfNeitherSchemeHasNoNeighbours() {
        assertThat(ZoneNeighbours.of("A")).isEmpty();
        assertThat(ZoneNeighbours.of("zone_x_y")).isEmpty();
    }
}
