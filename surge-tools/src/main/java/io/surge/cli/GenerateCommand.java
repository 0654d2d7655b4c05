package io.surge.cli;

import io.surge.config.SurgeConfig;
import io.surge.generator.CityTraffic;
import io.surge.generator.TrafficProducer;
import io.surge.io.kafka.TopicSetup;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** City traffic into the input topics of any Kafka and registry. */
@Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        description = "Send simulated city traffic (ride requests and driver statuses) to the input topics.")
final class GenerateCommand implements Callable<Integer> {

    @Mixin
    CityOptions city;

    @Option(
            names = "--duration",
            defaultValue = "10min",
            description = "How much city time to send." + " Default: ${DEFAULT-VALUE}.")
    String duration;

    @Option(
            names = "--scenario",
            defaultValue = "incidents",
            description = "incidents (a concert letting out after"
                    + " 20 s, a driver outage after 35 s) or steady. Default: ${DEFAULT-VALUE}.")
    String scenario;

    @Option(
            names = "--start",
            description = "City time of the first event, ISO-8601 (default: now; with --fast,"
                    + " the duration before now, so that no event is ahead of the clock).")
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
        Duration span = FlagException.duration("--duration", duration);
        // sent faster than real time from now, the city would run ahead of every clock that reads it
        Instant first = start != null ? start : fast ? Instant.now().minus(span) : Instant.now();
        CityTraffic traffic = city.city(first, scenario);
        TopicSetup.ensureTopics(surge.kafkaJob());
        try (TrafficProducer producer = new TrafficProducer(traffic, surge)) {
            spec.commandLine()
                    .getOut()
                    .printf(
                            "sending %s of city traffic: %d zones, %d drivers, about %.0f events/s%n",
                            duration, traffic.zones(), traffic.drivers(), city.rate);
            spec.commandLine().getOut().flush();
            producer.play(span, !fast);
            spec.commandLine().getOut().printf("sent %d events%n", producer.sent());
        }
        return 0;
    }
}
