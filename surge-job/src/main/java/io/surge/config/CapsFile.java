package io.surge.config;

import io.surge.pricing.AreaCap;
import io.surge.pricing.Multiplier;
import io.surge.zone.Area;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads the caps by area and time span ({@code pricing.caps-file}):
 *
 * <pre>
 * caps:
 *   - name: storm-emergency          # letters, digits, '-' and '_'; named in each record it lowers
 *     cap: 2.0                       # from 1.0 to 5.0
 *     zones: [zone_4071_-7401]       # the zones it covers, and/or
 *     area: {south: 40.70, west: -74.02, north: 40.76, east: -73.97}   # those whose centre lies in the box
 *     from: 2026-12-24T00:00:00Z     # optional: windows ending at or after
 *     until: 2026-12-26T00:00:00Z    # optional: windows ending before
 * </pre>
 *
 * Every error names the file, the cap, the field and the fix.
 */
public final class CapsFile {

    private static final Set<String> KEYS = Set.of("name", "cap", "zones", "area", "from", "until");
    private static final List<String> EDGES = List.of("south", "west", "north", "east");

    private CapsFile() {}

    public static List<AreaCap> read(Path file) {
        Object root;
        try {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file));
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot be read (" + e.getClass().getSimpleName()
                    + "); check pricing.caps-file and that this user may read it.");
        } catch (YAMLException e) {
            throw new ConfigException(file + ": not valid YAML: "
                    + e.getMessage().lines().findFirst().orElse("")
                    + "; see the caps file example in docs/semantics.md.");
        }
        if (!(root instanceof Map<?, ?> top)
                || !top.keySet().equals(Set.of("caps"))
                || !(top.get("caps") instanceof List<?> entries)) {
            throw new ConfigException(file + ": expected one key, caps, holding a list of caps; see the caps file"
                    + " example in docs/semantics.md.");
        }
        List<AreaCap> caps = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < entries.size(); i++) {
            AreaCap cap = cap(file, "caps[" + i + "]", entries.get(i));
            if (!names.add(cap.name())) {
                throw new ConfigException(file + ": caps[" + i + "]: field 'name': '" + cap.name()
                        + "' is used twice; give each cap its own name.");
            }
            caps.add(cap);
        }
        return caps;
    }

    private static AreaCap cap(Path file, String where, Object entry) {
        if (!(entry instanceof Map<?, ?> fields)) {
            throw new ConfigException(file + ": " + where + ": expected a map with name, cap and zones or area.");
        }
        for (Object key : fields.keySet()) {
            if (!KEYS.contains(String.valueOf(key))) {
                throw new ConfigException(file + ": " + where + ": unknown field '" + key + "'; the fields are "
                        + String.join(", ", List.of("name", "cap", "zones", "area", "from", "until")) + ".");
            }
        }
        Object name = fields.get("name");
        if (!(name instanceof String text) || !text.matches("[A-Za-z0-9][A-Za-z0-9_-]{0,63}")) {
            throw new ConfigException(file + ": " + where + ": field 'name': '" + name + "' is not a plain name; use"
                    + " letters, digits, '-' and '_', starting with a letter or digit, at most 64.");
        }
        String at = where + " (" + name + ")";
        double cap = number(file, at, "cap", fields.get("cap"));
        if (cap < Multiplier.MIN || cap > Multiplier.MAX) {
            throw new ConfigException(file + ": " + at + ": field 'cap': " + cap + " is outside [1.0, 5.0]; a cap"
                    + " below 1.0 would price under no surge, above 5.0 it caps nothing.");
        }
        Set<String> zones = zones(file, at, fields.get("zones"));
        Area area = fields.get("area") == null ? null : area(file, at, fields.get("area"));
        if (zones.isEmpty() && area == null) {
            throw new ConfigException(file + ": " + at + ": it covers no zone; give zones, area or both.");
        }
        Instant from = instant(file, at, "from", fields.get("from"));
        Instant until = instant(file, at, "until", fields.get("until"));
        if (from != null && until != null && !from.isBefore(until)) {
            throw new ConfigException(file + ": " + at + ": field 'until': " + until + " is not after from (" + from
                    + "); swap them or drop one.");
        }
        return new AreaCap((String) name, cap, zones, area, from, until);
    }

    private static Set<String> zones(Path file, String at, Object value) {
        if (value == null) {
            return Set.of();
        }
        if (!(value instanceof List<?> list) || list.stream().anyMatch(zone -> !(zone instanceof String))) {
            throw new ConfigException(file + ": " + at + ": field 'zones': expected a list of zone ids, such as"
                    + " [zone_4071_-7401, zone_4071_-7400].");
        }
        Set<String> zones = new LinkedHashSet<>();
        list.forEach(zone -> zones.add((String) zone));
        return zones;
    }

    private static Area area(Path file, String at, Object value) {
        if (!(value instanceof Map<?, ?> box) || !box.keySet().equals(Set.copyOf(EDGES))) {
            throw new ConfigException(file + ": " + at + ": field 'area': expected south, west, north and east in"
                    + " degrees, such as {south: 40.70, west: -74.02, north: 40.76, east: -73.97}.");
        }
        double south = number(file, at, "area.south", box.get("south"));
        double west = number(file, at, "area.west", box.get("west"));
        double north = number(file, at, "area.north", box.get("north"));
        double east = number(file, at, "area.east", box.get("east"));
        try {
            return new Area(south, west, north, east);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(file + ": " + at + ": field 'area': " + e.getMessage() + ".");
        }
    }

    private static double number(Path file, String at, String field, Object value) {
        if (value instanceof Number number) {
            return number.doubleValue();
        }
        throw new ConfigException(
                file + ": " + at + ": field '" + field + "': '" + value + "' is not a number;" + " write it like 2.0.");
    }

    private static Instant instant(Path file, String at, String field, Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Date date) { // YAML reads an unquoted ISO time as a timestamp
            return date.toInstant();
        }
        try {
            return Instant.parse(String.valueOf(value));
        } catch (DateTimeParseException e) {
            throw new ConfigException(file + ": " + at + ": field '" + field + "': '" + value + "' is not a time;"
                    + " write it like 2026-12-24T00:00:00Z.");
        }
    }
}
