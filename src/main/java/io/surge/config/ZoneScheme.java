package io.surge.config;

import io.surge.zone.GridZones;
import io.surge.zone.H3Zones;
import io.surge.zone.ZoneResolver;

/** How points map to zones. */
public enum ZoneScheme {
    GRID,
    H3;

    public ZoneResolver resolver(int h3Resolution) {
        return this == GRID ? new GridZones() : new H3Zones(h3Resolution);
    }
}
