package io.surge.cli;

import io.surge.bench.Bench;
import io.surge.bench.BenchReport;
import io.surge.bench.BenchWorkload;
import io.surge.bench.Contender;
import io.surge.config.SurgeOption;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** Pre-loads a peak workload and measures surge on it against the other ways of computing it, in one run. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure surge (exactly-once and at-least-once, with and without its alert rules) on a"
                + " pre-loaded peak workload against the seed design, Flink SQL, Kafka Streams and a plain decode-only"
                + " consumer; print a table and write it as JSON. Without --bootstrap it starts an embedded broker"
                + " and registry.")
final class BenchCommand implements Callable<Integer> {

    @Option(names = "--events", defaultValue = "200000", description = "Input records. Default: ${DEFAULT-VALUE}.")
    int events;

    @Option(names = "--zones", defaultValue = "500", description = "Zones with traffic (Zipf-skewed)."
            + " Default: ${DEFAULT-VALUE}.")
    int zones;

    @Option(names = "--rate", defaultValue = "10000",
            description = "Records per second of event time. Default: ${DEFAULT-VALUE}.")
    int rate;

    @Option(names = "--seed", defaultValue = "42", description = "Workload seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--parallelism", defaultValue = "2", description = "Flink parallelism. Default: ${DEFAULT-VALUE}.")
    int parallelism;

    @Option(names = "--contenders", split = ",", paramLabel = "NAME",
            defaultValue = "seed-design,flink-sql,kafka-streams,surge-exactly-once,surge-at-least-once,"
                    + "surge-multipliers-only",
            converter = ContenderConverter.class, completionCandidates = ContenderIds.class,
            description = "Which to run after the decode-only ceiling, from: ${COMPLETION-CANDIDATES}."
                    + " Default: ${DEFAULT-VALUE}.")
    List<Contender> contenders;

    @Option(names = "--latency-seconds", defaultValue = "60",
            description = "How long each latency run (exactly-once, at-least-once) offers half of surge's measured"
                    + " exactly-once throughput in real time; 0 for none. Default: ${DEFAULT-VALUE}.")
    int latencySeconds;

    @Option(names = "--json", defaultValue = "target/bench.json",
            description = "Where the results go as JSON. Default: ${DEFAULT-VALUE}.")
    Path json;

    @Mixin
    ConfigOptions config;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        BenchWorkload workload = new BenchWorkload(seed, events, zones, rate);
        Map<String, String> fixed = new LinkedHashMap<>(Map.of(
                SurgeOption.TOPIC_RIDE_REQUESTS.key(), "bench-ride-requests",
                SurgeOption.TOPIC_DRIVER_STATUS.key(), "bench-driver-status"));
        // the shipped rules wherever it runs from, unless told otherwise
        if (!config.set.containsKey(SurgeOption.ALERTS_DIR.key())) {
            fixed.put(SurgeOption.ALERTS_DIR.key(), SurgeCli.home().resolve("alerts").toString());
        }
        InfraCommand.Infrastructure infra = null;
        if (config.bootstrap == null) {
            out.println("surge bench: starting an embedded Kafka and Schema Registry...");
            out.flush();
            infra = InfraCommand.Infrastructure.start(0, 0);
            fixed.put(SurgeOption.KAFKA_BOOTSTRAP.key(), infra.kafka().bootstrapServers());
            fixed.put(SurgeOption.REGISTRY_URL.key(), infra.registry().url());
        }
        try {
            BenchReport report = new Bench(workload, parallelism, EnumSet.copyOf(contenders),
                    Duration.ofSeconds(latencySeconds), options -> {
                Map<String, String> all = new LinkedHashMap<>(fixed);
                all.putAll(options);
                return config.load(all);
            }, out).run();
            out.println();
            out.print(report.table());
            report.writeJson(json);
            out.println("written to " + json.toAbsolutePath());
            out.flush();
        } finally {
            if (infra != null) {
                infra.close();
            }
        }
        return 0;
    }

    static final class ContenderIds implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(Contender.values()).map(Contender::id).iterator();
        }
    }

    static final class ContenderConverter implements CommandLine.ITypeConverter<Contender> {
        @Override
        public Contender convert(String id) {
            try {
                return Contender.byId(id);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
