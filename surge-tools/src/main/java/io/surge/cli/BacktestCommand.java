package io.surge.cli;

import io.surge.alerts.RuleException;
import io.surge.alerts.RuleSetVersion;
import io.surge.alerts.ZoneAlert;
import io.surge.backtest.Backtest;
import io.surge.backtest.RecordedInputs;
import io.surge.config.SurgeConfig;
import io.surge.event.Ingested;
import io.surge.ingest.InputValidation;
import io.surge.io.kafka.RuleSetTopic;
import io.surge.io.kafka.TopicSnapshot;
import io.surge.time.Clock;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Replays recorded events through rules and prints the alerts they would write: each episode opened and resolved. */
@Command(
        name = "backtest",
        mixinStandardHelpOptions = true,
        description = "Replay recorded events through alert rules and print the episodes they would open and resolve.")
final class BacktestCommand implements Callable<Integer> {

    @Option(
            names = "--rules",
            paramLabel = "DIR",
            defaultValue = "alerts",
            description = "Rule directory, as version 0. Default: ${DEFAULT-VALUE}.")
    Path rules;

    @Option(
            names = "--deployed",
            description = "Also every rule set version deployed to the rules topic, each from its effective_from, as"
                    + " the job applies them.")
    boolean deployed;

    @Option(
            names = "--input",
            paramLabel = "FILE|TOPIC[,TOPIC]",
            required = true,
            description = "Recorded inputs: a file of one JSON record per line (see docs/rules.md), or input"
                    + " topics, read from the beginning to their current end.")
    String input;

    @Mixin
    ConfigOptions config;

    @Spec
    CommandSpec spec;

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }

    @Override
    public Integer call() throws Exception {
        SurgeConfig surge = config.load();
        List<RuleSetVersion> versions = new ArrayList<>(List.of(RuleSetVersion.fromDirectory(rules)));
        Map<String, Integer> perRule = new TreeMap<>();
        versions.get(0).rules().forEach(rule -> perRule.put(rule.name(), 0));
        if (deployed) {
            for (RuleSetVersion version : RuleSetTopic.readAll(surge.kafkaJob())) {
                try {
                    version.rules(surge.rules().trustedKeys(), System.currentTimeMillis())
                            .forEach(rule -> perRule.put(rule.name(), 0));
                    versions.add(version);
                } catch (RuleException e) {
                    out().printf("version %d left out, as the job refuses it: %s%n", version.version(), e.getMessage());
                }
            }
        }
        InputValidation validation = InputValidation.of(surge.input(), Clock.system());
        Path file = Path.of(input);
        List<Ingested> inputs = Files.isRegularFile(file)
                ? RecordedInputs.read(file, surge.topics(), validation)
                : TopicSnapshot.read(surge.kafkaJob(), List.of(input.split(",")), validation);
        List<ZoneAlert> alerts = Backtest.alerts(inputs, surge, versions);

        for (ZoneAlert alert : alerts) {
            out().printf(
                            "%s  %-8s %-8s %-16s v%-3d %-22s %s%n",
                            Instant.ofEpochMilli(alert.occurredAt()),
                            alert.status(),
                            alert.severity(),
                            alert.rule(),
                            alert.ruleSetVersion(),
                            alert.zoneId(),
                            alert.summary());
            if (!alert.resolved()) {
                perRule.merge(alert.rule(), 1, Integer::sum);
            }
        }
        long rejected = inputs.stream().filter(in -> !in.isAccepted()).count();
        out().println();
        out().printf(
                        "%d records replayed (%d rejected), %d episodes%n",
                        inputs.size(),
                        rejected,
                        perRule.values().stream().mapToInt(Integer::intValue).sum());
        perRule.forEach((rule, count) -> out().printf("  %-18s %d%n", rule, count));
        return 0;
    }
}
