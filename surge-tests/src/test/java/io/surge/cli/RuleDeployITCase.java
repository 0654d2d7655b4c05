package io.surge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.surge.SurgeJob;
import io.surge.alerts.RuleSetVersion;
import io.surge.avro.AlertStatus;
import io.surge.avro.SurgeAlert;
import io.surge.config.FlinkSettings;
import io.surge.config.SurgeConfig;
import io.surge.io.kafka.RuleSetTopic;
import io.surge.pricing.ZoneSurge;
import io.surge.testing.SurgeOnMiniCluster;
import io.surge.testing.WireRecords;
import io.surge.testing.stack.ClosedWorkload;
import io.surge.testing.stack.FlinkJobs;
import io.surge.testing.stack.KafkaClients;
import io.surge.testing.stack.SurgeStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.DoublePredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rule change is a deploy, not a restart. The job runs on live input with version 0 from its rule directory;
 * {@code surge rules deploy} publishes version 1, which changes a threshold, removes a rule and adds one, effective at
 * an event time beyond what has been sent; a version the job cannot compile arrives too (2); later version 0's
 * directory is deployed again as a rollback (3), and the TaskManager is killed right after. The alerts of each stretch
 * of event time are those of the version in force there, computed plainly from the exact multipliers, each once; the
 * job does not restart for a deploy, {@code surge rules list} shows what the job took and refused, and a backtest
 * against the deployed versions raises the same alerts.
 */
@Tag("slow")
class RuleDeployITCase {

    private static final int EVENTS = 15_000;
    private static final int EVENTS_PER_SECOND = 3_000;
    private static final Duration PATIENCE = Duration.ofSeconds(120);

    @RegisterExtension
    static final MiniClusterExtension FLINK = SurgeOnMiniCluster.extension();

    @TempDir
    Path dir;

    /**
     * A single-step rule on multipliers: one alert per window whose raw multiplier passes (the raw ratios spread; the
     * published prices move in steps and hold, so few thresholds would tell them apart).
     */
    private record Rule(String name, String condition, DoublePredicate passes) {
        String yaml() {
            return """
                    name: %s
                    input: multipliers
                    severity: INFO
                    steps:
                      - name: seen
                        where: %s
                    within: 1s
                    summary: "{zone_id} at {seen.raw_multiplier}x"
                    """.formatted(name, condition);
        }
    }

    /** What identifies an alert here: its rule, zone, window and the version that raised it. */
    private record Raised(String rule, String zone, long windowEnd, long version) {}

    @Test
    void deployedVersionsTakeEffectAtTheirEventTimeWithoutARestartAndThroughATaskManagerKill(
            @InjectMiniCluster MiniCluster cluster) throws Exception {
        Path v0 = Files.createDirectories(dir.resolve("v0"));
        Path v1 = Files.createDirectories(dir.resolve("v1"));
        try (SurgeStack stack = SurgeStack.start(
                Map.of("job.name", "deploy", "checkpoint.interval", "1s", "alerts.dir", v0.toString()))) {
            SurgeConfig config = stack.config();
            ClosedWorkload workload =
                    ClosedWorkload.generate(41L, EVENTS, config.topics().partitions());
            List<Double> multipliers = workload.expected().stream()
                    .map(ZoneSurge::rawMultiplier)
                    .sorted()
                    .toList();
            double low = quantile(multipliers, 0.6);
            double high = quantile(multipliers, 0.85);
            double top = quantile(multipliers, 0.95);
            assertThat(low).as("the workload's multipliers spread").isLessThan(high);
            assertThat(high).isLessThan(top);
            Rule kept = new Rule("top", "raw_multiplier >= " + top, m -> m >= top);
            Rule before = new Rule("high", "raw_multiplier >= " + low, m -> m >= low);
            Rule removed = new Rule(
                    "band", "raw_multiplier >= " + low + " && raw_multiplier < " + high, m -> m >= low && m < high);
            Rule after = new Rule("high", "raw_multiplier >= " + high, m -> m >= high);
            Rule added = new Rule("calm", "raw_multiplier < " + low, m -> m < low);
            write(v0, kept, before, removed);
            write(v1, kept, after, added);
            // each between two window ends, a little past what has been sent when it is deployed
            long firstSwitch = workload.eventTimeAt(EVENTS / 3) + 2_500;
            long rollback = workload.eventTimeAt(2 * EVENTS / 3) + 2_500;

            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.getExecutionEnvironment(FlinkSettings.of(config));
            env.setParallelism(2);
            long now = workload.now();
            SurgeJob.buildOnKafka(env, config, () -> now);
            JobClient job = env.executeAsync(config.jobName());
            String flinkUrl = cluster.getRestAddress().get().toString();
            FlinkJobs flink = new FlinkJobs(flinkUrl);
            try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(stack.bootstrapServers());
                    KafkaConsumer<byte[], byte[]> results = KafkaClients.committedReader(
                            stack.bootstrapServers(), config.topics().multipliers());
                    KafkaConsumer<byte[], byte[]> alerts = KafkaClients.committedReader(
                            stack.bootstrapServers(), config.topics().alerts())) {
                workload.sendAtRate(producer, stack, 0, EVENTS / 3, EVENTS_PER_SECOND);

                CliRun deploy = CliRun.on(
                        stack,
                        "rules",
                        "deploy",
                        v1.toString(),
                        "--effective-from",
                        Instant.ofEpochMilli(firstSwitch).toString(),
                        "--by",
                        "ops@test");
                assertThat(deploy.exitCode()).as(deploy.err()).isZero();
                assertThat(deploy.out()).contains("deployed rule set version 1 (3 rule(s) from " + v1);
                // a set of a grammar the job does not know, published past the command's check
                RuleSetTopic.publish(
                        config.kafkaJob(),
                        new RuleSetVersion(
                                0,
                                firstSwitch + 10_000,
                                Map.of("high.yaml", "name: high\ninput: multipliers\nsteps: []\n"),
                                "a newer tool",
                                null,
                                null),
                        Instant.now());
                CliRun list = CliRun.awaitRulesList(
                        stack, flinkUrl, PATIENCE, "the job has taken versions up to 1;", "refused 1 version");
                assertThat(list.out()).contains("version 0 is in force at its watermark");
                assertThat(list.out())
                        .containsPattern(
                                "1 +" + Instant.ofEpochMilli(firstSwitch) + " +ops@test +calm," + " high, top");
                assertThat(list.out()).containsPattern("2 +.* a newer tool +\\(refused: ");

                workload.sendAtRate(producer, stack, EVENTS / 3, 2 * EVENTS / 3, EVENTS_PER_SECOND);
                CliRun.awaitRulesList(stack, flinkUrl, PATIENCE, "version 1 is in force at its watermark");
                assertThat(flink.restarts(job.getJobID().toString()))
                        .as("restarts of the job for the deploys")
                        .isZero();

                CliRun again = CliRun.on(
                        stack,
                        "rules",
                        "deploy",
                        v0.toString(),
                        "--effective-from",
                        Instant.ofEpochMilli(rollback).toString());
                assertThat(again.out()).as(again.err()).contains("deployed rule set version 3");
                cluster.terminateTaskManager(0).get();
                cluster.startTaskManager();
                CliRun.awaitRulesList(stack, flinkUrl, PATIENCE, "the job has taken versions up to 3;");

                workload.sendAtRate(producer, stack, 2 * EVENTS / 3, EVENTS, EVENTS_PER_SECOND);
                workload.close(producer, stack);
                List<ConsumerRecord<byte[], byte[]>> read = KafkaClients.records();
                workload.readResults(results, read, PATIENCE, Duration.ofSeconds(2));
                assertThat(read.stream().map(ClosedWorkload::decodeSurge).toList())
                        .as("the multipliers stay exact through the deploys and the kill")
                        .containsExactlyInAnyOrderElementsOf(workload.expected());

                List<Raised> expected = new ArrayList<>();
                for (ZoneSurge surge : workload.expected()) {
                    long version = surge.windowEnd() >= rollback ? 3 : surge.windowEnd() >= firstSwitch ? 1 : 0;
                    for (Rule rule : version == 1 ? List.of(kept, after, added) : List.of(kept, before, removed)) {
                        if (rule.passes().test(surge.rawMultiplier())) {
                            expected.add(new Raised(rule.name(), surge.zoneId(), surge.windowEnd(), version));
                        }
                    }
                }
                assertThat(expected).extracting(Raised::version).contains(0L, 1L, 3L);
                assertThat(expected).extracting(Raised::rule).contains("top", "high", "band", "calm");
                List<ConsumerRecord<byte[], byte[]>> raised = KafkaClients.records();
                KafkaClients.pollUntil(
                        alerts,
                        raised,
                        all -> opened(all).size() >= expected.size(),
                        PATIENCE,
                        expected.size() + " alerts");
                KafkaClients.pollFor(alerts, raised, Duration.ofSeconds(2));
                assertThat(opened(raised))
                        .as("each stretch's alerts by the version in force there, each once")
                        .containsExactlyInAnyOrderElementsOf(expected);
                CliRun.awaitRulesList(stack, flinkUrl, PATIENCE, "version 3 is in force at its watermark");

                // the backtest runs on this test's cluster too, in the slots the job leaves
                job.cancel().get();
                CliRun backtest = CliRun.on(
                        stack,
                        "rules",
                        "backtest",
                        "--rules",
                        v0.toString(),
                        "--deployed",
                        "--input",
                        config.topics().rideRequests() + "," + config.topics().driverStatus());
                assertThat(backtest.exitCode()).as(backtest.err()).isZero();
                assertThat(backtest.out()).contains("version 2 left out, as the job refuses it");
                assertThat(backtested(backtest.out(), workload.expected()))
                        .as("a backtest against the deployed versions raises what the live job raised")
                        .containsExactlyInAnyOrderElementsOf(expected);
            } finally {
                if (!job.getJobStatus().get().isGloballyTerminalState()) {
                    job.cancel().get();
                }
            }
        }
    }

    /**
     * Rules removed from and renamed in the rule directory between a savepoint and the restore from it: the job
     * restores, the kept rule raises each of its alerts once, and the renamed rule takes over where the old name left
     * off, no window twice and none lost.
     */
    @Test
    void aRuleRemovedOrRenamedInTheDirectoryAcrossASavepointRestores() throws Exception {
        Path rules = Files.createDirectories(dir.resolve("rules"));
        try (SurgeStack stack = SurgeStack.start(
                Map.of("job.name", "rename", "checkpoint.interval", "1s", "alerts.dir", rules.toString()))) {
            SurgeConfig config = stack.config();
            ClosedWorkload workload =
                    ClosedWorkload.generate(43L, 10_000, config.topics().partitions());
            List<Double> multipliers = workload.expected().stream()
                    .map(ZoneSurge::rawMultiplier)
                    .sorted()
                    .toList();
            double low = quantile(multipliers, 0.6);
            double high = quantile(multipliers, 0.9);
            Rule kept = new Rule("top", "raw_multiplier >= " + high, m -> m >= high);
            Rule removed = new Rule(
                    "band", "raw_multiplier >= " + low + " && raw_multiplier < " + high, m -> m >= low && m < high);
            Rule renamed = new Rule("high", "raw_multiplier >= " + low, m -> m >= low);
            Rule newName = new Rule("higher", "raw_multiplier >= " + low, m -> m >= low);
            write(rules, kept, removed, renamed);
            try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(stack.bootstrapServers());
                    KafkaConsumer<byte[], byte[]> results = KafkaClients.committedReader(
                            stack.bootstrapServers(), config.topics().multipliers());
                    KafkaConsumer<byte[], byte[]> alerts = KafkaClients.committedReader(
                            stack.bootstrapServers(), config.topics().alerts())) {
                List<ConsumerRecord<byte[], byte[]>> read = KafkaClients.records();
                workload.send(producer, stack, 0, workload.size() / 2);
                JobClient first = SurgeOnMiniCluster.start(config, workload.now(), 2, null);
                int target = workload.expected().size() / 4;
                KafkaClients.pollUntil(results, read, all -> all.size() >= target, PATIENCE, target + " results");
                String savepoint = first.stopWithSavepoint(
                                false, dir.resolve("savepoints").toUri().toString(), SavepointFormatType.CANONICAL)
                        .get();

                Files.delete(rules.resolve("band.yaml"));
                Files.delete(rules.resolve("high.yaml"));
                write(rules, newName);
                workload.send(producer, stack, workload.size() / 2, workload.size());
                workload.close(producer, stack);
                JobClient second = SurgeOnMiniCluster.start(config, workload.now(), 2, savepoint);
                try {
                    KafkaClients.pollUntil(
                            results,
                            read,
                            all -> all.size() >= workload.expected().size(),
                            PATIENCE,
                            "every result");
                    List<Raised> topAlerts = new ArrayList<>();
                    List<Raised> highAlerts = new ArrayList<>();
                    for (ZoneSurge surge : workload.expected()) {
                        if (kept.passes().test(surge.rawMultiplier())) {
                            topAlerts.add(new Raised("top", surge.zoneId(), surge.windowEnd(), 0));
                        }
                        if (renamed.passes().test(surge.rawMultiplier())) {
                            highAlerts.add(new Raised("high", surge.zoneId(), surge.windowEnd(), 0));
                        }
                    }
                    List<ConsumerRecord<byte[], byte[]>> raised = KafkaClients.records();
                    int band = (int) workload.expected().stream()
                            .filter(surge -> removed.passes().test(surge.rawMultiplier()))
                            .count();
                    KafkaClients.pollUntil(
                            alerts,
                            raised,
                            all -> opened(all).stream()
                                            .filter(alert -> !alert.rule().equals("band"))
                                            .count()
                                    >= topAlerts.size() + highAlerts.size(),
                            PATIENCE,
                            (topAlerts.size() + highAlerts.size()) + " alerts of top, high and higher");
                    KafkaClients.pollFor(alerts, raised, Duration.ofSeconds(2));
                    List<Raised> got = opened(raised);
                    assertThat(got)
                            .filteredOn(alert -> alert.rule().equals("top"))
                            .as("the kept rule")
                            .containsExactlyInAnyOrderElementsOf(topAlerts);
                    assertThat(got)
                            .filteredOn(alert -> alert.rule().startsWith("high"))
                            .as("the renamed rule after the old name, each window once")
                            .extracting(alert -> new Raised("high", alert.zone(), alert.windowEnd(), 0))
                            .containsExactlyInAnyOrderElementsOf(highAlerts);
                    assertThat(got)
                            .extracting(Raised::rule)
                            .as("both names raised")
                            .contains("high", "higher");
                    assertThat(got)
                            .filteredOn(alert -> alert.rule().equals("band"))
                            .as("the removed rule")
                            .hasSizeLessThan(band);
                } finally {
                    second.cancel().get();
                }
            }
        }
    }

    /** The backtest's alert lines, for the windows the live job emitted (the end of its input closes every window). */
    private static List<Raised> backtested(String out, List<ZoneSurge> emitted) {
        Set<String> windows = emitted.stream()
                .map(surge -> surge.zoneId() + "@" + surge.windowEnd())
                .collect(Collectors.toSet());
        Pattern line = Pattern.compile("^(\\S+)  FIRING +\\S+ +(\\S+) +v(\\d+) +(\\S+) ");
        List<Raised> raised = new ArrayList<>();
        for (String text : out.lines().toList()) {
            Matcher alert = line.matcher(text);
            if (alert.find()) {
                long windowEnd = Instant.parse(alert.group(1)).toEpochMilli();
                if (windows.contains(alert.group(4) + "@" + windowEnd)) {
                    raised.add(new Raised(alert.group(2), alert.group(4), windowEnd, Long.parseLong(alert.group(3))));
                }
            }
        }
        return raised;
    }

    /**
     * The episodes the records open: with a resolve-after of 1 s (the rules' within), each matching window opens its
     * own, 5 s after the previous one.
     */
    private static List<Raised> opened(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream()
                .map(record -> WireRecords.<SurgeAlert>decode(
                        record.value(), SurgeAlert.getClassSchema(), SurgeAlert.getClassSchema()))
                .filter(alert -> alert.getStatus() == AlertStatus.FIRING)
                .map(alert -> new Raised(
                        alert.getRule(),
                        alert.getZoneId(),
                        alert.getLastEventTime().toEpochMilli(),
                        alert.getRuleSetVersion()))
                .toList();
    }

    private static double quantile(List<Double> sorted, double share) {
        return sorted.get((int) (sorted.size() * share));
    }

    private static void write(Path dir, Rule... rules) throws Exception {
        for (Rule rule : rules) {
            Files.writeString(dir.resolve(rule.name() + ".yaml"), rule.yaml());
        }
    }
}
