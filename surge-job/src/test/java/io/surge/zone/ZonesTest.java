package io.surge.zone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ZonesTest {

    @ParameterizedTest(name = "({0}, {1}) -> {2}")
    @CsvSource({
        "40.7128, -74.0060, zone_4071_-7401", // the example of the contract
        "0.0, 0.0, zone_0_0",
        "-0.001, -0.001, zone_-1_-1", // floor, not truncation, south and west of 0
        "-33.8688, 151.2093, zone_-3387_15120",
        "90.0, 180.0, zone_9000_18000",
        "-90.0, -180.0, zone_-9000_-18000",
        "0.29, 0.57, zone_28_56", // IEEE doubles: 0.29 * 100 is 28.999999999999996
    })
    void gridCellsAreFloorOfHundredthsOfADegree(double lat, double lon, String zone) {
        assertThat(new GridZones().zoneOf(lat, lon)).isEqualTo(zone);
    }

    @Test
    void h3CellsUseTheConfiguredResolution() {
        // The example point of the H3 documentation, whose resolution-9 cell is 8928308280fffff.
        assertThat(new H3Zones(9).zoneOf(37.775938728915946, -122.41795063018799))
                .isEqualTo("h3_8928308280fffff");
        assertThat(new H3Zones(5).zoneOf(37.775938728915946, -122.41795063018799))
                .startsWith("h3_85")
                .hasSize("h3_".length() + 15);
    }

    @Test
    void h3ZonesWorkAfterBeingShippedToATask() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            H3Zones zones = new H3Zones(9);
            zones.zoneOf(0, 0);
            out.writeObject(zones);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            ZoneResolver shipped = (ZoneResolver) in.readObject();
            assertThat(shipped.zoneOf(37.775938728915946, -122.41795063018799)).isEqualTo("h3_8928308280fffff");
        }
    }

    @Test
    void h3ResolutionOutsideZeroToFifteenIsRefused() {
        assertThatThrownBy(() -> new H3Zones(16)).hasMessageContaining("[0, 15]");
        assertThatThrownBy(() -> new H3Zones(-1)).hasMessageContaining("[0, 15]");
    }

    @Test
    void aZoneIsDrawnWhereItsPointsLie() {
        double lat = 40.7128;
        double lon = -74.0060;
        for (ZoneResolver zones : new ZoneResolver[] {new GridZones(), new H3Zones(8)}) {
            List<double[]> corners = ZoneBoundaries.of(zones.zoneOf(lat, lon));
            assertThat(corners).as(zones.zoneOf(lat, lon)).hasSizeGreaterThanOrEqualTo(4);
            assertThat(corners.stream().mapToDouble(corner -> corner[0]).min().orElseThrow())
                    .isLessThan(lat);
            assertThat(corners.stream().mapToDouble(corner -> corner[0]).max().orElseThrow())
                    .isGreaterThan(lat);
            assertThat(corners.stream().mapToDouble(corner -> corner[1]).min().orElseThrow())
                    .isLessThan(lon);
            assertThat(corners.stream().mapToDouble(corner -> corner[1]).max().orElseThrow())
                    .isGreaterThan(lon);
        }
        assertThat(ZoneBoundaries.of("not-a-zone")).isEmpty();
    }
}
