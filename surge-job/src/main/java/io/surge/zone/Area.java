package io.surge.zone;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/** A latitude/longitude box, its south and west edges inclusive. */
public record Area(double south, double west, double north, double east) implements Serializable {

    /** @throws IllegalArgumentException naming what is wrong, for a message that names where it came from */
    public Area {
        if (!(south >= -90 && north <= 90 && south < north && west >= -180 && east <= 180 && west < east)) {
            throw new IllegalArgumentException("not a box (south " + south + ", west " + west + ", north " + north
                    + ", east " + east + "); latitudes in [-90, 90] with south < north, longitudes in [-180, 180]"
                    + " with west < east");
        }
    }

    /**
     * Boxes written as {@code south,west,north,east}, separated by {@code ;}.
     *
     * @throws IllegalArgumentException naming the box that is not one
     */
    public static List<Area> parseAll(String text) {
        List<Area> areas = new ArrayList<>();
        for (String box : text.split(";")) {
            if (box.isBlank()) {
                continue;
            }
            String[] edges = box.split(",");
            if (edges.length != 4) {
                throw new IllegalArgumentException("'" + box.strip() + "' is not south,west,north,east");
            }
            try {
                areas.add(new Area(
                        Double.parseDouble(edges[0].strip()),
                        Double.parseDouble(edges[1].strip()),
                        Double.parseDouble(edges[2].strip()),
                        Double.parseDouble(edges[3].strip())));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + box.strip() + "' is not four numbers, south,west,north,east");
            }
        }
        return areas;
    }

    public boolean contains(double lat, double lon) {
        return lat >= south && lat < north && lon >= west && lon < east;
    }
}
