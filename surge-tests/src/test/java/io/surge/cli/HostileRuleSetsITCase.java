package io.surge.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.surge.SurgeJob;
import io.surge.alerts.RuleSetVersion;
import io.surge.avro.RuleSet;
import io.surge.config.FlinkSettings;
import io.surge.config.SurgeConfig;
import io.surge.io.kafka.RuleSetTopic;
import io.surge.io.registry.SchemaRegistryClient;
import io.surge.testing.SurgeOnMiniCluster;
import io.surge.testing.WireRecords;
import io.surge.testing.stack.ClosedWorkload;
import io.surge.testing.stack.FlinkJobs;
import io.surge.testing.stack.KafkaClients;
import io.surge.testing.stack.SurgeStack;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Anyone who can write to {@code surge-rules} can publish any record there, with a plain Kafka producer and no
 * {@code surge rules deploy} to check it: a YAML bomb, a file name with a NUL, a resolve-after of a century, bytes
 * that are no rule set at all. Some are there before the job starts, some arrive while it runs: the job never restarts, every
 * result is exact, a valid deploy after them is taken, and {@code surge rules list} names each refusal. A version's
 * number is its position in the topic, so no record can take a deploy's number and two deploys at once get two.
 */
@Tag("slow")
class HostileRuleSetsITCase {

    private static final int EVENTS = 6_000;
    private static final Duration PATIENCE = Duration.ofSeconds(120);

    @RegisterExtension
    static final MiniClusterExtension FLINK = SurgeOnMiniCluster.extension();

    @TempDir
    Path dir;

    @Test
    void noRuleSetRecordStopsTheJobAtStartOrLive(@InjectMiniCluster MiniCluster cluster) throws Exception {
        try (SurgeStack stack = SurgeStack.start(Map.of("job.name", "hostile", "checkpoint.interval", "1s"))) {
            SurgeConfig config = stack.config();
            ClosedWorkload workload =
                    ClosedWorkload.generate(43L, EVENTS, config.topics().partitions());
            String rules = config.topics().ruleSets();
            int schemaId =
                    new SchemaRegistryClient(config.registry()).register(rules + "-value", RuleSet.getClassSchema());
            try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(stack.bootstrapServers());
                    KafkaConsumer<byte[], byte[]> results = KafkaClients.committedReader(
                            stack.bootstrapServers(), config.topics().multipliers())) {
                // before the job starts: read at its start and again by its rules source. The first is valid and
                // claims the largest number there is, which a deploy that counted on from it would overflow.
                String spike = Files.readString(Path.of("alerts/surge-spike.yaml"));
                send(producer, rules, ruleSet(schemaId, Long.MAX_VALUE, "surge-spike.yaml", spike));
                send(
                        producer,
                        rules,
                        ruleSet(
                                schemaId,
                                1,
                                "bomb.yaml",
                                "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: [" + "*a, ".repeat(60) + "*a]\n"));
                send(producer, rules, ruleSet(schemaId, 1, "spike\u0000.yaml", spike));
                send(producer, rules, "no rule set at all".getBytes(StandardCharsets.UTF_8));

                StreamExecutionEnvironment env =
                        StreamExecutionEnvironment.getExecutionEnvironment(FlinkSettings.of(config));
                env.setParallelism(2);
                long now = workload.now();
                SurgeJob.buildOnKafka(env, config, () -> now);
                JobClient job = env.executeAsync(config.jobName());
                String flinkUrl = cluster.getRestAddress().get().toString();
                try {
                    workload.sendAtRate(producer, stack, 0, EVENTS / 2, 3_000);
                    // while it runs
                    send(
                            producer,
                            rules,
                            ruleSet(schemaId, 1, "deep.yaml", "name: " + "[".repeat(5_000) + "]".repeat(5_000) + "\n"));
                    send(
                            producer,
                            rules,
                            ruleSet(
                                    schemaId,
                                    1,
                                    "surge-spike.yaml",
                                    spike.replace("resolve-after: 5min", "resolve-after: 36500d")));
                    send(producer, rules, null);

                    Path valid = Files.createDirectories(dir.resolve("valid"));
                    Files.copy(Path.of("alerts/surge-spike.yaml"), valid.resolve("surge-spike.yaml"));
                    // effective in the workload's event time: the job's clock is the workload's, days back
                    CliRun deploy = CliRun.on(
                            stack,
                            "rules",
                            "deploy",
                            valid.toString(),
                            "--by",
                            "ops@test",
                            "--effective-from",
                            Instant.ofEpochMilli(workload.eventTimeAt(EVENTS)).toString());
                    assertThat(deploy.out())
                            .as(deploy.err())
                            .contains("deployed rule set version 8 (1 rule(s) from " + valid);
                    CliRun list = CliRun.awaitRulesList(
                            stack, flinkUrl, PATIENCE, "the job has taken versions up to 8;", "refused");
                    assertThat(list.out())
                            .containsPattern("1 +.* someone +surge-spike")
                            .containsPattern("2 +.*\\(refused: rule set version 2/bomb.yaml:1: not a usable rule file")
                            .containsPattern("3 +.*\\(refused: rule set version 3:0: a rule file's name must be")
                            .containsPattern("5 +.*\\(refused: rule set version 5/deep.yaml:1: not a usable rule file")
                            .containsPattern(
                                    "6 +.*\\(refused: rule set version 6/surge-spike.yaml:.*'resolve-after' is")
                            .containsPattern("8 +.* ops@test +surge-spike");

                    workload.sendAtRate(producer, stack, EVENTS / 2, EVENTS, 3_000);
                    workload.close(producer, stack);
                    List<ConsumerRecord<byte[], byte[]>> read = KafkaClients.records();
                    workload.readResults(results, read, PATIENCE, Duration.ofSeconds(2));
                    assertThat(read.stream().map(ClosedWorkload::decodeSurge).toList())
                            .as("every result, exactly, beside the hostile records")
                            .containsExactlyInAnyOrderElementsOf(workload.expected());
                    assertThat(new FlinkJobs(flinkUrl).restarts(job.getJobID().toString()))
                            .as("restarts of the job")
                            .isZero();
                } finally {
                    job.cancel().get();
                }
            }

            // two deploys at the same moment: two numbers, both kept
            List<CompletableFuture<RuleSetVersion>> deploys = new ArrayList<>();
            for (String by : List.of("first@test", "second@test")) {
                deploys.add(CompletableFuture.supplyAsync(() -> RuleSetTopic.publish(
                        config.kafkaJob(),
                        new RuleSetVersion(0, 0, Map.of("surge-spike.yaml", "unchecked"), by, null, null),
                        Instant.now())));
            }
            assertThat(deploys.stream().map(CompletableFuture::join).map(RuleSetVersion::version))
                    .containsExactlyInAnyOrder(9L, 10L);
            assertThat(RuleSetTopic.readAll(config.kafkaJob()))
                    .extracting(RuleSetVersion::deployedBy)
                    .contains("first@test", "second@test");
        }
    }

    /**
     * Reading the deployed versions, as {@code surge run} does at start and the rules tools do, while the registry is
     * down: it gives up after {@code registry.retry-for} with the reason, rather than waiting for ever, or leaving
     * versions out as if they were no rule sets.
     */
    @Test
    void readingTheVersionsDuringARegistryOutageGivesUpAfterItsRetryTime() throws Exception {
        try (SurgeStack stack = SurgeStack.start(Map.of("job.name", "outage"))) {
            RuleSetTopic.publish(
                    stack.config().kafkaJob(),
                    new RuleSetVersion(0, 0, Map.of("surge-spike.yaml", "unchecked"), "ops@test", null, null),
                    Instant.now());
            stack.registry().close();

            CliRun list = assertTimeoutPreemptively(
                    PATIENCE, () -> CliRun.on(stack, "rules", "list", "--set", "registry.retry-for=2s"));

            assertThat(list.exitCode()).isNotZero();
            assertThat(list.out()).doesNotContain("surge-spike");
            assertThat(list.err()).contains("gave up after retrying for 2");
        }
    }

    /**
     * Who may change the rules: versions signed with {@code surge rules deploy --key}, with a key pair {@code surge
     * rules keygen} wrote, pass a job trusting that key; one signed by another key, or none, is refused, and {@code
     * surge rules list} says so. (The job's side of it is {@code ZoneRulesTest}'s.)
     */
    @Test
    void withTrustedKeysOnlyVersionsSignedByOneAreTaken() throws Exception {
        Path ours = dir.resolve("ours.key");
        Path theirs = dir.resolve("theirs.key");
        assertThat(CliRun.of("rules", "keygen", ours.toString()).out()).startsWith("wrote key ");
        assertThat(CliRun.of("rules", "keygen", theirs.toString()).exitCode()).isZero();
        assertThat(Files.getPosixFilePermissions(ours))
                .as("the secret key, for its owner only")
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThat(CliRun.of("rules", "keygen", ours.toString()).err()).contains("exists");
        Path valid = Files.createDirectories(dir.resolve("valid"));
        Files.copy(Path.of("alerts/surge-spike.yaml"), valid.resolve("surge-spike.yaml"));
        try (SurgeStack stack = SurgeStack.start(Map.of("job.name", "signed"))) {
            CliRun signed = CliRun.on(stack, "rules", "deploy", valid.toString(), "--key", ours.toString());
            assertThat(signed.out())
                    .as(signed.err())
                    .contains("deployed rule set version 1")
                    .contains(", signed by key ");
            assertThat(CliRun.on(stack, "rules", "deploy", valid.toString(), "--key", theirs.toString())
                            .exitCode())
                    .isZero();
            assertThat(CliRun.on(stack, "rules", "deploy", valid.toString()).exitCode())
                    .isZero();

            CliRun list = CliRun.on(stack, "rules", "list", "--set", "rules.trusted-keys=" + ours + ".pub");

            assertThat(list.out())
                    .as(list.err())
                    .containsPattern("1 +\\S+ +\\S+ +surge-spike")
                    .containsPattern(
                            "2 +.*\\(refused: rule set version 2:0: it is signed by key '[0-9a-f]{16}', which is"
                                    + " not in rules.trusted-keys")
                    .containsPattern("3 +.*\\(refused: rule set version 3:0: it is not signed")
                    .contains("version 1 is in force now");
        }
    }

    private static byte[] ruleSet(int schemaId, long claimedVersion, String file, String text) {
        RuleSet record = RuleSet.newBuilder()
                .setVersion(claimedVersion)
                .setEffectiveFrom(Instant.EPOCH)
                .setRules(Map.of(file, text))
                .setDeployedBy("someone")
                .setDeployedAt(Instant.now())
                .build();
        return WireRecords.encode(schemaId, RuleSet.getClassSchema(), record);
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String topic, byte[] value) {
        KafkaClients.send(producer, new ProducerRecord<>(topic, "k".getBytes(StandardCharsets.UTF_8), value));
    }
}
