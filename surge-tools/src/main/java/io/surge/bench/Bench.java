package io.surge.bench;

import io.surge.config.CheckpointPacing;
import io.surge.config.SurgeConfig;
import io.surge.config.SurgeOption;
import io.surge.generator.InputWriter;
import io.surge.io.kafka.TopicSetup;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * One benchmark run: the workload written once to the input topics, then every contender reading all of it from the
 * beginning, one after the other, each writing its results to topics of its own.
 */
public final class Bench {

    private final BenchWorkload workload;
    private final int parallelism;
    private final Set<Contender> contenders;
    private final Duration latencyRun;
    private final int latencyRate;
    private final Function<Map<String, String>, SurgeConfig> configs;
    private final PrintWriter progress;

    /**
     * @param latencyRun how long each latency run offers its load; zero for none. Latency is measured when surge
     *     exactly-once is among the contenders
     * @param latencyRate the events per second each latency run offers, or 0 for half the throughput surge
     *     exactly-once reached
     * @param configs the configuration of a contender from options of its own (job name, topics) over the connection
     *     settings
     */
    public Bench(
            BenchWorkload workload,
            int parallelism,
            Set<Contender> contenders,
            Duration latencyRun,
            int latencyRate,
            Function<Map<String, String>, SurgeConfig> configs,
            PrintWriter progress) {
        this.workload = workload;
        this.parallelism = parallelism;
        this.contenders = EnumSet.copyOf(contenders);
        this.latencyRun = latencyRun;
        this.latencyRate = latencyRate;
        this.configs = configs;
        this.progress = progress;
    }

    public BenchReport run() throws Exception {
        SurgeConfig inputs = configs.apply(Map.of(SurgeOption.JOB_NAME.key(), "bench"));
        TopicSetup.ensureTopics(inputs.kafkaJob());
        long started = System.nanoTime();
        // in the past by more than the span, so that no event is ahead of the clock of the jobs that read it;
        // aligned to the slide, so that runs with the same seed have the same windows and results
        long slide = inputs.window().slideMillis();
        long start = (System.currentTimeMillis() - workload.spanMillis() - 120_000) / slide * slide;
        BenchWorkload.Census census;
        try (InputWriter writer = new InputWriter(inputs.kafkaJob())) {
            census = workload.writeTo(writer, start);
        }
        say(
                "wrote %,d events (%,d zones with traffic, %,d drivers), event time from %d, in %.1f s",
                workload.events(),
                census.zonesWithTraffic(),
                census.drivers(),
                start,
                (System.nanoTime() - started) / 1e9);

        List<Measurement> measurements = new ArrayList<>();
        Measurement ceiling = report(Contenders.decodeOnly(inputs));
        measurements.add(ceiling);
        // the jobs are credited with every record the topics hold, as counted by the ceiling; their results, checked
        // against each other, show whether they read them all
        long events = ceiling.events();
        if (contenders.stream().anyMatch(Contender.SURGE::contains)) {
            warmUp(events);
        }
        List<LatencyMeasurement> latencies = new ArrayList<>();
        for (Contender contender : contenders) {
            Measurement measurement = report(measure(contender, events));
            measurements.add(measurement);
            if (contender == Contender.SURGE_EXACTLY_ONCE && !latencyRun.isZero()) {
                double load = latencyRate > 0 ? latencyRate : measurement.eventsPerSecond() / 2;
                for (boolean exactlyOnce : new boolean[] {true, false}) {
                    for (CheckpointPacing paced : CheckpointPacing.values()) {
                        latencies.add(report(latency(exactlyOnce, paced, load)));
                    }
                }
            }
        }
        return new BenchReport(workload, census, measurements, latencies);
    }

    /**
     * Runs surge as shipped over the workload, unmeasured, exactly-once and then at-least-once, so that the JIT has
     * compiled both deliveries' code before the first surge contender is timed: whichever ran first paid for it, in
     * time and in CPU, and one warm-up run was not enough (docs/PERFORMANCE.md, "Machine and noise").
     */
    private void warmUp(long events) throws Exception {
        long started = System.nanoTime();
        for (boolean exactlyOnce : new boolean[] {true, false}) {
            Map<String, String> options =
                    new HashMap<>(ownJobAndOutputs("bench-warm-up-" + delivery(exactlyOnce), exactlyOnce));
            options.put(SurgeOption.INPUT_BOUNDED.key(), "true");
            options.putAll(RAW_PRICES);
            Contenders.surge("warm-up", configs.apply(options), parallelism, events, false, false);
        }
        say("warmed up: two unmeasured surge runs, %.1f s", (System.nanoTime() - started) / 1e9);
    }

    /**
     * Surge on live input at a fixed load, reading its own topics from the start, its checkpoints {@code paced}:
     * exactly-once results wait for them, at-least-once ones wait for none that falls as their windows close.
     */
    private LatencyMeasurement latency(boolean exactlyOnce, CheckpointPacing paced, double eventsPerSecond)
            throws Exception {
        String delivery = delivery(exactlyOnce);
        String label = delivery + (paced == CheckpointPacing.WINDOWS ? ", paced by windows" : ", Flink's clock");
        String id = "bench-latency-" + delivery + "-" + paced.name().toLowerCase(Locale.ROOT);
        Map<String, String> options = new HashMap<>(ownJobAndOutputs(id, exactlyOnce));
        options.put(SurgeOption.TOPIC_RIDE_REQUESTS.key(), id + "-ride-requests");
        options.put(SurgeOption.TOPIC_DRIVER_STATUS.key(), id + "-driver-status");
        options.put(SurgeOption.CHECKPOINT_PACING.key(), paced.name().toLowerCase(Locale.ROOT));
        SurgeConfig config = configs.apply(options);
        say("latency, %s: offering %,.0f events/s for %d s", label, eventsPerSecond, latencyRun.toSeconds());
        int rate = (int) eventsPerSecond;
        BenchWorkload traffic = new BenchWorkload(
                workload.seed() + 1, (int) (rate * latencyRun.toSeconds()), workload.zones(), workload.drivers(), rate);
        return LatencyProbe.run("surge, " + label, config, parallelism, traffic);
    }

    private LatencyMeasurement report(LatencyMeasurement latency) {
        say(
                "latency, %s: readable p50 %d ms, p99 %d ms; committed p50 %d ms, p99 %d ms",
                latency.contender(),
                latency.readable().p50(),
                latency.readable().p99(),
                latency.committed().p50(),
                latency.committed().p99());
        return latency;
    }

    private Measurement measure(Contender contender, long events) throws Exception {
        return switch (contender) {
            case SEED_DESIGN -> Contenders.seedDesign(config(contender, true), parallelism, events);
            case FLINK_SQL -> Contenders.flinkSql(config(contender, true), parallelism, events);
            case KAFKA_STREAMS ->
                KafkaStreamsContender.run(
                        config(contender, true),
                        parallelism,
                        events,
                        Files.createTempDirectory("surge-bench-kafka-streams"));
            case SURGE_EXACTLY_ONCE ->
                Contenders.surge(contender.label(), config(contender, true), parallelism, events, true, false);
            case SURGE_AT_LEAST_ONCE ->
                Contenders.surge(contender.label(), config(contender, false), parallelism, events, true, false);
            case SURGE_MULTIPLIERS_ONLY -> withoutRules(contender, events);
        };
    }

    /**
     * Surge computing what the other contenders compute, the multipliers alone: an empty rules directory. With no
     * alerts to compare, it publishes prices as shipped, and its raw and published prices are judged.
     */
    private Measurement withoutRules(Contender contender, long events) throws Exception {
        Path noRules = Files.createTempDirectory("surge-bench-no-rules");
        try {
            Map<String, String> options = options(contender, true);
            options.put(SurgeOption.ALERTS_DIR.key(), noRules.toString());
            return Contenders.surge(contender.label(), configs.apply(options), parallelism, events, false, true);
        } finally {
            Files.delete(noRules);
        }
    }

    /**
     * A contender's configuration: its own job name and output topics, bounded input, and for surge the
     * {@link #RAW_PRICES}, so that its alerts compare with the others'.
     */
    private SurgeConfig config(Contender contender, boolean exactlyOnce) {
        Map<String, String> options = options(contender, exactlyOnce);
        options.putAll(RAW_PRICES);
        return configs.apply(options);
    }

    private static Map<String, String> options(Contender contender, boolean exactlyOnce) {
        Map<String, String> options = new HashMap<>(ownJobAndOutputs("bench-" + contender.id(), exactlyOnce));
        options.put(SurgeOption.INPUT_BOUNDED.key(), "true");
        return options;
    }

    /**
     * A pricing policy that publishes each zone's raw ratio: no pooling, no evidence, no smoothing. Its stage does the
     * same work as the default policy's (every result still goes to its zone and its neighbours), and surge's alerts
     * on multipliers stay comparable with those of the contenders, which compute the raw ratio alone.
     */
    static final Map<String, String> RAW_PRICES = Map.of(
            SurgeOption.PRICING_NEIGHBOUR_WEIGHT.key(), "0",
            SurgeOption.PRICING_PSEUDO_COUNT.key(), "0",
            SurgeOption.PRICING_MAX_STEP.key(), "4",
            SurgeOption.PRICING_DEADBAND.key(), "0");

    /** A job name and output topics named after {@code id}, and the delivery. */
    private static Map<String, String> ownJobAndOutputs(String id, boolean exactlyOnce) {
        return Map.of(
                SurgeOption.JOB_NAME.key(), id,
                SurgeOption.TOPIC_MULTIPLIERS.key(), id + "-multipliers",
                SurgeOption.TOPIC_ALERTS.key(), id + "-alerts",
                SurgeOption.TOPIC_LATE_EVENTS.key(), id + "-late-events",
                SurgeOption.TOPIC_DEAD_LETTERS.key(), id + "-dead-letters",
                SurgeOption.OUTPUT_DELIVERY.key(), delivery(exactlyOnce));
    }

    private static String delivery(boolean exactlyOnce) {
        return exactlyOnce ? "exactly-once" : "at-least-once";
    }

    private Measurement report(Measurement measurement) {
        say("%s: %,.0f events/s", measurement.contender(), measurement.eventsPerSecond());
        return measurement;
    }

    private void say(String format, Object... args) {
        progress.println("surge bench: " + String.format(Locale.ROOT, format, args));
        progress.flush();
    }
}
