package io.surge.bench;

import io.surge.config.SurgeConfig;
import io.surge.io.kafka.InputWriter;
import io.surge.io.kafka.TopicSetup;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * One benchmark run: the workload written once to the input topics, then every contender reading all of it from the
 * beginning, one after the other, each writing its results to topics of its own.
 */
public final class Bench {

    private final BenchWorkload workload;
    private final int parallelism;
    private final Function<Map<String, String>, SurgeConfig> configs;
    private final PrintWriter progress;

    /**
     * @param configs the configuration of a contender from options of its own (job name, output topics) over the
     *     connection settings
     */
    public Bench(BenchWorkload workload, int parallelism, Function<Map<String, String>, SurgeConfig> configs,
            PrintWriter progress) {
        this.workload = workload;
        this.parallelism = parallelism;
        this.configs = configs;
        this.progress = progress;
    }

    public BenchReport run() throws Exception {
        SurgeConfig inputs = configs.apply(Map.of("job.name", "bench"));
        TopicSetup.ensureTopics(inputs);
        long started = System.nanoTime();
        // in the past by more than the span, so that no event is ahead of the clock of the jobs that read it;
        // aligned to the slide, so that runs with the same seed have the same windows and results
        long slide = inputs.window().slideMillis();
        long start = (System.currentTimeMillis() - workload.spanMillis() - 120_000) / slide * slide;
        try (InputWriter writer = new InputWriter(inputs)) {
            workload.writeTo(writer, start);
        }
        say("wrote %,d events, event time from %d, in %.1f s", workload.events(), start,
                (System.nanoTime() - started) / 1e9);

        List<Measurement> measurements = new ArrayList<>();
        Measurement ceiling = report(Contenders.decodeOnly(inputs));
        measurements.add(ceiling);
        // the jobs are credited with every record the topics hold, as counted by the ceiling; their results, checked
        // against each other, show whether they read them all
        long events = ceiling.events();
        measurements.add(report(Contenders.seedDesign(contender("seed-design", true), parallelism, events)));
        for (boolean exactlyOnce : new boolean[] {true, false}) {
            measurements.add(report(Contenders.surge(
                    "surge, " + (exactlyOnce ? "exactly-once" : "at-least-once"),
                    contender(exactlyOnce ? "surge-exactly-once" : "surge-at-least-once", exactlyOnce), parallelism,
                    events)));
        }
        return new BenchReport(workload, measurements);
    }

    /** A contender's configuration: its own job name and output topics, bounded input. */
    private SurgeConfig contender(String id, boolean exactlyOnce) {
        return configs.apply(Map.of(
                "job.name", "bench-" + id,
                "topics.multipliers", "bench-" + id + "-multipliers",
                "topics.alerts", "bench-" + id + "-alerts",
                "topics.late-events", "bench-" + id + "-late-events",
                "topics.dead-letters", "bench-" + id + "-dead-letters",
                "input.bounded", "true",
                "output.delivery", exactlyOnce ? "exactly-once" : "at-least-once"));
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
