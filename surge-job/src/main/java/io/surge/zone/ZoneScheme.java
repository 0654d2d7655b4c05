package io.surge.zone;

/** How points map to zones. */
public enum ZoneScheme {
    GRID,
    H3;

    public ZoneResolver resolver(int h3Resolution) {
        return this == GRID ? new GridZones() : new H3Zones(h3Resolution);
    }
}
