package io.surge.cli;

import io.surge.config.SurgeConfig;
import io.surge.generator.CityTraffic;
import io.surge.generator.TrafficProducer;
import io.surge.io.kafka.TopicSetup;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import org.apache.flink.util.TimeUtils;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** City traffic into the input topics of any Kafka and registry. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Send simulated city traffic (ride requests and driver statuses) to the input topics.")
final class GenerateCommand implements Callable<Integer> {

    @Option(names = "--rate", defaultValue = "600", description = "Events per second at normal times of day."
            + " Default: ${DEFAULT-VALUE}.")
    double rate;

    @Option(names = "--zones", defaultValue = "300", description = "Zones of the simulated city. Default: ${DEFAULT-VALUE}.")
    int zones;

    @Option(names = "--duration", defaultValue = "10min", description = "How much city time to send."
            + " Default: ${DEFAULT-VALUE}.")
    String duration;

    @Option(names = "--scenario", defaultValue = "incidents", description = "incidents (a concert letting out after"
            + " 20 s, a driver outage after 35 s) or steady. Default: ${DEFAULT-VALUE}.")
    String scenario;

    @Option(names = "--seed", defaultValue = "42", description = "The same seed and start send the same events."
            + " Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--start", description = "City time of the first event, ISO-8601 (default: now).")
    Instant start;

    @Option(names = "--fast", description = "Send as fast as the broker takes it instead of in real time.")
    boolean fast;

    @Mixin
    ConfigOptions config;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        SurgeConfig surge = config.load();
        CityTraffic city = city(seed, zones, rate, start == null ? Instant.now() : start, scenario);
        TopicSetup.ensureTopics(surge);
        try (TrafficProducer producer = new TrafficProducer(city, surge)) {
            spec.commandLine().getOut().printf("sending %s of city traffic: %d zones, %d drivers, about %.0f events/s%n",
                    duration, city.zones(), city.drivers(), rate);
            spec.commandLine().getOut().flush();
            producer.play(parse(duration), !fast);
            spec.commandLine().getOut().printf("sent %d events%n", producer.sent());
        }
        return 0;
    }

    static CityTraffic city(long seed, int zones, double rate, Instant start, String scenario) {
        if (!scenario.equals("incidents") && !scenario.equals("steady")) {
            throw new IllegalStateException("--scenario " + scenario + " is unknown; use incidents or steady");
        }
        if (zones < 1 || rate <= 0) {
            throw new IllegalStateException("--zones and --rate must be positive");
        }
        return new CityTraffic(seed, zones, rate, start.toEpochMilli(), scenario.equals("incidents"));
    }

    static Duration parse(String duration) {
        try {
            return TimeUtils.parseDuration(duration);
        } catch (RuntimeException e) {
            throw new IllegalStateException("--duration " + duration + " is not a duration; write it like 60s or 10min");
        }
    }
}
