package io.surge.zone;

import com.uber.h3core.H3Core;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** Zones as Uber H3 cells at a fixed resolution, named {@code h3_<cell address>}. */
public final class H3Zones implements ZoneResolver {

    private static final long serialVersionUID = 1L;
    public static final int MIN_RESOLUTION = 0;
    public static final int MAX_RESOLUTION = 15;
    /** What every H3 zone id starts with. */
    static final String PREFIX = "h3_";

    private final int resolution;
    /** Wraps a native library, so it is created on the task rather than shipped with the job graph. */
    private transient H3Core h3;

    public H3Zones(int resolution) {
        if (resolution < MIN_RESOLUTION || resolution > MAX_RESOLUTION) {
            throw new IllegalArgumentException("H3 resolution must be in [0, 15], was " + resolution);
        }
        this.resolution = resolution;
    }

    @Override
    public String zoneOf(double lat, double lon) {
        if (h3 == null) {
            h3 = loadH3();
        }
        return PREFIX + h3.latLngToCellAddress(lat, lon, resolution);
    }

    /** The corners of an H3 zone, as {lat, lon} pairs. */
    static List<double[]> boundary(String zoneId) {
        return Shared.H3.cellToBoundary(zoneId.substring(PREFIX.length())).stream()
                .map(corner -> new double[] {corner.lat, corner.lng})
                .toList();
    }

    /** The cells one step from an H3 zone. */
    static List<String> neighbours(String zoneId) {
        String cell = zoneId.substring(PREFIX.length());
        return Shared.H3.gridDisk(cell, 1).stream()
                .filter(neighbour -> !neighbour.equals(cell))
                .map(neighbour -> PREFIX + neighbour)
                .toList();
    }

    /** One H3 instance for drawing zones and finding their neighbours, loaded the first time it is needed. */
    private static final class Shared {
        static final H3Core H3 = loadH3();
    }

    private static H3Core loadH3() {
        try {
            return H3Core.newInstance();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load the H3 native library", e);
        }
    }
}
