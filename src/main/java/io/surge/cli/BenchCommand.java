package io.surge.cli;

import io.surge.bench.Bench;
import io.surge.bench.BenchReport;
import io.surge.bench.BenchWorkload;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Pre-loads a peak workload and measures surge on it against a decode-only ceiling, in one run. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure surge (exactly-once and at-least-once) on a pre-loaded peak workload against a plain"
                + " decode-only consumer; print a table and write it as JSON. Without --bootstrap it starts an"
                + " embedded broker and registry.")
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
                "alerts.dir", SurgeCli.home().resolve("alerts").toString(),
                "topics.ride-requests", "bench-ride-requests",
                "topics.driver-status", "bench-driver-status"));
        InfraCommand.Infrastructure infra = null;
        if (config.bootstrap == null) {
            out.println("surge bench: starting an embedded Kafka and Schema Registry...");
            out.flush();
            infra = InfraCommand.Infrastructure.start(0, 0);
            fixed.put("kafka.bootstrap", infra.kafka().bootstrapServers());
            fixed.put("registry.url", infra.registry().url());
        }
        try {
            BenchReport report = new Bench(workload, parallelism, options -> {
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
}
