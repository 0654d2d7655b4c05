package io.surge.cli;

import io.surge.generator.CityTraffic;
import java.time.Instant;
import picocli.CommandLine.Option;

/** The simulated city of {@code surge generate} and {@code surge demo}. */
final class CityOptions {

    @Option(
            names = "--rate",
            defaultValue = "300",
            description = "Events per second at normal times of day." + " Default: ${DEFAULT-VALUE}.")
    double rate;

    @Option(
            names = "--zones",
            defaultValue = "300",
            description = "Zones of the simulated city." + " Default: ${DEFAULT-VALUE}.")
    int zones;

    @Option(
            names = "--seed",
            defaultValue = "42",
            description = "The same seed and start send the same events." + " Default: ${DEFAULT-VALUE}.")
    long seed;

    CityTraffic city(Instant start, String scenario) {
        if (!scenario.equals("incidents") && !scenario.equals("steady")) {
            throw new FlagException("--scenario " + scenario + " is unknown; use incidents or steady");
        }
        if (zones < 1 || rate <= 0) {
            throw new FlagException("--zones and --rate must be positive");
        }
        return new CityTraffic(seed, zones, rate, start.toEpochMilli(), scenario.equals("incidents"));
    }
}
