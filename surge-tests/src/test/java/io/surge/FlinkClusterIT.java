package io.surge;

import static org.assertj.core.api.Assertions.assertThat;

import io.surge.config.SurgeConfig;
import io.surge.embedded.StandaloneFlinkCluster;
import io.surge.testing.SurgeResults;
import io.surge.testing.stack.ClosedWorkload;
import io.surge.testing.stack.FlinkJobs;
import io.surge.testing.stack.KafkaClients;
import io.surge.testing.stack.SurgeStack;
import io.surge.time.Waiting;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The application jar on a real Flink cluster: a JobManager and two TaskManagers, each its own JVM, with nothing of
 * surge on their classpath. The jar is uploaded and run through the REST API at parallelism 2; one TaskManager
 * running it is killed with SIGKILL mid-run and the job must carry on in the other's slots; then, with a new
 * TaskManager joined, the job is stopped with a savepoint and resumed from it at parallelism 4. A read_committed
 * consumer must see every (zone, window_end) exactly once, with the oracle's values.
 *
 * <p>Runs after {@code package} (Failsafe), as it needs {@code surge-job/target/surge-job.jar} and
 * {@code surge-job/target/flink-cluster.classpath}.
 */
@Tag("slow")
class FlinkClusterIT {

    private static final Path JOB_JAR = Path.of("surge-job", "target", "surge-job.jar");
    private static final Path CLUSTER_CLASSPATH = Path.of("surge-job", "target", "flink-cluster.classpath");
    private static final int EVENTS = 40_000;
    private static final int EVENTS_PER_SECOND = 4_000;
    private static final Duration PATIENCE = Duration.ofSeconds(180);

    @TempDir
    Path work;

    @Test
    void survivesATaskManagerKillAndResumesFromASavepointAtHigherParallelism() throws Exception {
        Path checkpoints = work.resolve("checkpoints");
        try (SurgeStack stack = SurgeStack.start(Map.of("job.name", "cluster", "checkpoint.interval", "1s"));
                StandaloneFlinkCluster cluster = StandaloneFlinkCluster.start(
                        Files.readString(CLUSTER_CLASSPATH).trim(), work.resolve("flink"), 0, 2, 2)) {
            try {
                runKillAndRescale(stack, cluster, checkpoints);
            } catch (Throwable failure) {
                keepLogs(work.resolve("flink").resolve("log"));
                throw failure;
            }
        }
    }

    private void runKillAndRescale(SurgeStack stack, StandaloneFlinkCluster cluster, Path checkpoints)
            throws Exception {
        SurgeConfig config = stack.config();
        FlinkJobs flink = new FlinkJobs(cluster.restUrl());
        String jar = flink.uploadJar(JOB_JAR);
        List<String> arguments = List.of(
                "--bootstrap",
                stack.bootstrapServers(),
                "--registry",
                config.registry().url(),
                "--set",
                "job.name=cluster",
                "--set",
                "checkpoint.interval=1s",
                "--set",
                "checkpoint.dir=" + checkpoints.toUri(),
                "--set",
                "alerts.dir=" + Path.of("alerts").toAbsolutePath());
        ClosedWorkload workload =
                ClosedWorkload.generate(8L, EVENTS, config.topics().partitions());
        int half = workload.size() / 2;
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(stack.bootstrapServers());
                KafkaConsumer<byte[], byte[]> multipliers = KafkaClients.committedReader(
                        stack.bootstrapServers(), config.topics().multipliers())) {
            List<ConsumerRecord<byte[], byte[]>> results = KafkaClients.records();

            String job = flink.run(jar, 2, arguments, null);
            awaitAllRunning(flink, job);
            workload.sendAtRate(producer, stack, 0, half / 2, EVENTS_PER_SECOND);
            int beforeKill = workload.expected().size() / 10;
            KafkaClients.pollUntil(
                    multipliers,
                    results,
                    read -> read.size() >= beforeKill,
                    PATIENCE,
                    beforeKill + " results before the kill");

            String victim = flink.taskManagersRunning(job).iterator().next();
            cluster.kill(victim);
            Set<String> survivors = Set.copyOf(cluster.taskManagerIds());
            await(
                    flink,
                    job,
                    () -> flink.restarts(job) >= 1 && flink.allRunning(job),
                    "the job to restart after " + victim + " was killed");
            assertThat(flink.taskManagersRunning(job))
                    .as("after the kill, the job runs on the surviving TaskManager's slots only")
                    .isNotEmpty()
                    .isSubsetOf(survivors);
            workload.sendAtRate(producer, stack, half / 2, half, EVENTS_PER_SECOND);
            int afterKill = workload.expected().size() / 3;
            KafkaClients.pollUntil(
                    multipliers,
                    results,
                    read -> read.size() >= afterKill,
                    PATIENCE,
                    afterKill + " results after the kill");

            cluster.addTaskManager();
            String savepoint = flink.stopWithSavepoint(
                    job, work.resolve("savepoints").toUri().toString(), PATIENCE);
            String resumed = flink.run(jar, 4, arguments, savepoint);
            awaitAllRunning(flink, resumed);
            assertThat(flink.taskManagersRunning(resumed))
                    .as("parallelism 4 needs both TaskManagers")
                    .hasSize(2);
            workload.sendAtRate(producer, stack, half, workload.size(), EVENTS_PER_SECOND);
            workload.close(producer, stack);
            workload.readResults(multipliers, results, PATIENCE, Duration.ofSeconds(3));
            flink.cancel(resumed);

            assertThat(results.stream().map(ClosedWorkload::decodeSurge).map(SurgeResults::withoutComputedAt))
                    .as("every (zone, window_end) exactly once, equal to the oracle")
                    .containsExactlyInAnyOrderElementsOf(workload.expected().stream()
                            .map(SurgeResults::withoutComputedAt)
                            .toList());
        }
    }

    private static void awaitAllRunning(FlinkJobs flink, String job) throws Exception {
        await(flink, job, () -> flink.allRunning(job), "job " + job + " to run");
    }

    /** Waits for {@code condition}; when it does not come, says what state the job is in. */
    private static void await(FlinkJobs flink, String job, Waiting.Condition condition, String what) throws Exception {
        try {
            Waiting.until(condition, PATIENCE, what);
        } catch (TimeoutException e) {
            throw new AssertionError(e.getMessage() + "; the job now: " + flink.describe(job), e);
        }
    }

    /** The Flink JVMs' logs of a failed run, kept where CI keeps test reports. */
    private static void keepLogs(Path logs) throws IOException {
        Path kept = Files.createDirectories(Path.of("surge-tests", "target", "failsafe-reports", "flink-cluster-logs"));
        try (Stream<Path> files = Files.list(logs)) {
            for (Path log : files.filter(file -> !file.getFileName().toString().endsWith("_LOG"))
                    .toList()) {
                Files.copy(log, kept.resolve(log.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
