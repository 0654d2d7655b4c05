package io.surge.ingest;

import io.surge.zone.Area;
import io.surge.zone.ZoneResolver;
import io.surge.zone.ZoneScheme;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;

/**
 * How input records are read and placed.
 *
 * @param zones the zone scheme, with {@code h3Resolution} when it is H3
 * @param bounds where records are taken; empty for anywhere
 * @param maxFutureSkew how far ahead of processing time an event time may be before the record is diverted
 * @param bounded whether the job stops at the end the input topics have at start
 */
public record InputSettings(
        ZoneScheme zones, int h3Resolution, List<Area> bounds, Duration maxFutureSkew, boolean bounded)
        implements Serializable {

    public InputSettings {
        bounds = List.copyOf(bounds);
    }

    public ZoneResolver zoneResolver() {
        return zones.resolver(h3Resolution);
    }
}
