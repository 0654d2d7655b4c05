package io.surge.cli;

import io.surge.alerts.RuleParser;
import io.surge.bench.Bench;
import io.surge.bench.BenchReport;
import io.surge.bench.BenchWorkload;
import io.surge.bench.Contender;
import io.surge.bench.RuleVariants;
import io.surge.config.SurgeOption;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Pre-loads a peak workload and measures surge on it against the other ways of computing it, in one run. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Measure surge (exactly-once and at-least-once, with and without its alert rules) on a"
                + " pre-loaded peak workload against the seed design, Flink SQL, Kafka Streams and a plain decode-only"
                + " consumer; print a table and write it as JSON. Without --bootstrap it starts an embedded broker"
                + " and registry.")
final class BenchCommand implements Callable<Integer> {

    @Option(
            names = "--profile",
            defaultValue = "city",
            converter = ProfileConverter.class,
            description = "The workload's size: city (200,000 events at 10,000 a second over 500 zones, a driver per"
                    + " 20 events) or world (2,000,000 events at 20,000 a second from 1,000,000 drivers over 140,000"
                    + " zones, about 102,000 of which the Zipf law gives traffic); the options below override it."
                    + " Default: ${DEFAULT-VALUE}.")
    Profile profile;

    @Option(names = "--events", description = "Input records.")
    Integer events;

    @Option(names = "--zones", description = "Zones traffic picks from (Zipf-skewed).")
    Integer zones;

    @Option(names = "--drivers", description = "Distinct drivers reporting their status.")
    Integer drivers;

    @Option(names = "--rate", description = "Records per second of event time.")
    Integer rate;

    @Option(names = "--seed", defaultValue = "42", description = "Workload seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--parallelism", defaultValue = "2", description = "Flink parallelism. Default: ${DEFAULT-VALUE}.")
    int parallelism;

    @Option(
            names = "--contenders",
            split = ",",
            paramLabel = "NAME",
            defaultValue = "seed-design,flink-sql,kafka-streams,surge-exactly-once,surge-at-least-once,"
                    + "surge-multipliers-only",
            converter = ContenderConverter.class,
            completionCandidates = ContenderIds.class,
            description = "Which to run after the decode-only ceiling, from: ${COMPLETION-CANDIDATES}."
                    + " Default: ${DEFAULT-VALUE}.")
    List<Contender> contenders;

    @Option(
            names = "--latency-seconds",
            defaultValue = "60",
            description =
                    "How long each latency run (exactly-once paced by the windows and on Flink's clock,"
                            + " at-least-once) offers its load in real time (--latency-rate); 0 for none. Default: ${DEFAULT-VALUE}.")
    int latencySeconds;

    @Option(
            names = "--latency-rate",
            defaultValue = "0",
            description = "Events per second each latency run offers, the same for every run to compare; 0 for half"
                    + " of surge's measured exactly-once throughput. Default: ${DEFAULT-VALUE}.")
    int latencyRate;

    @Option(
            names = "--rule-variants",
            defaultValue = "1",
            description = "Each rule of the rules directory this many times over: the rule, then variants under other"
                    + " names with other time bounds and counts, to measure how surge scales with its rules (10 makes"
                    + " the 3 shipped rules 30). Default: ${DEFAULT-VALUE}.")
    int ruleVariants;

    @Option(
            names = "--json",
            defaultValue = "target/bench.json",
            description = "Where the results go as JSON. Default: ${DEFAULT-VALUE}.")
    Path json;

    @Mixin
    ConfigOptions config;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        BenchWorkload workload = profile.workload(seed, events, zones, drivers, rate);
        Map<String, String> fixed = new LinkedHashMap<>(Map.of(
                SurgeOption.TOPIC_RIDE_REQUESTS.key(), "bench-ride-requests",
                SurgeOption.TOPIC_DRIVER_STATUS.key(), "bench-driver-status"));
        // the shipped rules wherever it runs from, unless told otherwise
        if (!config.set.containsKey(SurgeOption.ALERTS_DIR.key())) {
            fixed.put(
                    SurgeOption.ALERTS_DIR.key(),
                    SurgeCli.home().resolve("alerts").toString());
        }
        Path variants = null;
        if (ruleVariants > 1) {
            Path rules = Path.of(
                    config.set.getOrDefault(SurgeOption.ALERTS_DIR.key(), fixed.get(SurgeOption.ALERTS_DIR.key())));
            variants = Files.createTempDirectory("surge-bench-rules");
            Map<String, String> files = RuleVariants.of(RuleParser.readDirectory(rules), ruleVariants);
            for (Map.Entry<String, String> file : files.entrySet()) {
                Files.writeString(variants.resolve(file.getKey()), file.getValue());
            }
            // checked as the job checks them, before anything starts
            out.printf(
                    "surge bench: %d rules from %s%n",
                    RuleParser.parseDirectory(variants).size(), rules);
            fixed.put(SurgeOption.ALERTS_DIR.key(), variants.toString());
        }
        InfraCommand.Infrastructure infra = null;
        if (config.bootstrap == null) {
            out.println("surge bench: starting an embedded Kafka and Schema Registry...");
            out.flush();
            infra = InfraCommand.Infrastructure.startTemporary();
            fixed.put(SurgeOption.KAFKA_BOOTSTRAP.key(), infra.kafka().bootstrapServers());
            fixed.put(SurgeOption.REGISTRY_URL.key(), infra.registry().url());
        }
        try {
            BenchReport report = new Bench(
                            workload,
                            parallelism,
                            EnumSet.copyOf(contenders),
                            Duration.ofSeconds(latencySeconds),
                            latencyRate,
                            options -> {
                                Map<String, String> all = new LinkedHashMap<>(fixed);
                                all.putAll(options);
                                return config.load(all);
                            },
                            out)
                    .run();
            out.println();
            out.print(report.table());
            report.writeJson(json);
            out.println("written to " + json.toAbsolutePath());
            out.flush();
        } finally {
            if (infra != null) {
                infra.close();
            }
            if (variants != null) {
                try (var files = Files.list(variants)) {
                    for (Path file : files.toList()) {
                        Files.delete(file);
                    }
                }
                Files.delete(variants);
            }
        }
        return 0;
    }

    /** The workloads {@code --profile} names; the options given override each part. */
    enum Profile {
        CITY(200_000, 500, null, 10_000),
        WORLD(2_000_000, 140_000, 1_000_000, 20_000);

        private final int events;
        private final int zones;
        /** null: one per 20 events */
        private final Integer drivers;

        private final int rate;

        Profile(int events, int zones, Integer drivers, int rate) {
            this.events = events;
            this.zones = zones;
            this.drivers = drivers;
            this.rate = rate;
        }

        BenchWorkload workload(long seed, Integer events, Integer zones, Integer drivers, Integer rate) {
            int n = events != null ? events : this.events;
            BenchWorkload sized =
                    BenchWorkload.city(seed, n, zones != null ? zones : this.zones, rate != null ? rate : this.rate);
            Integer given = drivers != null ? drivers : this.drivers;
            return given == null ? sized : new BenchWorkload(seed, n, sized.zones(), given, sized.eventsPerSecond());
        }
    }

    static final class ProfileConverter implements CommandLine.ITypeConverter<Profile> {
        @Override
        public Profile convert(String name) {
            for (Profile profile : Profile.values()) {
                if (profile.name().equalsIgnoreCase(name)) {
                    return profile;
                }
            }
            throw new CommandLine.TypeConversionException("no profile '" + name + "'; choose city or world");
        }
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
