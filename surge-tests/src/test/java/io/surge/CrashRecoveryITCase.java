package io.surge;

import static org.assertj.core.api.Assertions.assertThat;

import io.surge.avro.DriverStatus;
import io.surge.config.SurgeConfig;
import io.surge.testing.Inputs;
import io.surge.testing.SurgeOnMiniCluster;
import io.surge.testing.stack.ClosedWorkload;
import io.surge.testing.stack.KafkaClients;
import io.surge.testing.stack.SurgeStack;
import io.surge.testing.stack.UninterruptedRun;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exactly-once through crashes. 200,000 events arrive at a steady rate while the job runs with checkpoints every
 * second; the TaskManager running it is terminated three times, at seeded random moments, the last one while a
 * checkpoint is in progress, and a new TaskManager takes over from the latest completed checkpoint. A read_committed
 * consumer must then see every (zone, window_end) exactly once with the oracle's values, and every alert once, as an
 * uninterrupted backtest of the same inputs raises it, though a producer with a fast clock sent a status to every
 * partition before the first crash. The
 * log line "recovery times" gives, per crash, the time from the crash to the first result written after it becoming
 * visible.
 */
@Tag("slow")
class CrashRecoveryITCase {

    private static final Logger LOG = LoggerFactory.getLogger(CrashRecoveryITCase.class);
    private static final int EVENTS = 200_000;
    private static final int EVENTS_PER_SECOND = 4_000;

    @RegisterExtension
    static final MiniClusterExtension FLINK = SurgeOnMiniCluster.extension();

    @TempDir
    Path checkpoints;

    @Test
    void resultsAreExactlyOnceAcrossTaskManagerCrashes(@InjectMiniCluster MiniCluster cluster) throws Exception {
        try (SurgeStack stack = SurgeStack.start(Map.of(
                "checkpoint.interval",
                "1s",
                "checkpoint.dir",
                checkpoints.toUri().toString(),
                "job.name",
                "crash"))) {
            SurgeConfig config = stack.config();
            ClosedWorkload workload =
                    ClosedWorkload.generate(99L, EVENTS, config.topics().partitions());
            List<?> expected = workload.expected();
            JobClient job = SurgeOnMiniCluster.start(config, workload.now(), 2, null);
            CompletableFuture<Void> feeding = CompletableFuture.runAsync(() -> feed(workload, stack));
            List<Long> recoveries = new ArrayList<>();
            try (KafkaConsumer<byte[], byte[]> multipliers = KafkaClients.committedReader(
                            stack.bootstrapServers(), config.topics().multipliers());
                    KafkaConsumer<byte[], byte[]> alerts = KafkaClients.committedReader(
                            stack.bootstrapServers(), config.topics().alerts())) {
                List<ConsumerRecord<byte[], byte[]>> results = KafkaClients.records();
                Random random = new Random(7L);
                // the MiniCluster numbers task managers in start order: the one running the job is the latest started
                int running = 0;
                double[] shares = {
                    0.10 + random.nextDouble() * 0.15,
                    0.35 + random.nextDouble() * 0.15,
                    0.60 + random.nextDouble() * 0.15
                };
                for (int crash = 0; crash < shares.length; crash++) {
                    int target = (int) (expected.size() * shares[crash]);
                    KafkaClients.pollUntil(
                            multipliers,
                            results,
                            read -> read.size() >= target,
                            Duration.ofSeconds(180),
                            target + " results before crash " + (crash + 1));
                    if (crash == shares.length - 1) {
                        awaitCheckpointInProgress(cluster, job.getJobID());
                    }
                    long crashedAt = System.currentTimeMillis();
                    cluster.terminateTaskManager(running++).get();
                    cluster.startTaskManager();
                    // recovered once a result written after the crash (by its Kafka timestamp) is committed
                    KafkaClients.pollUntil(
                            multipliers,
                            results,
                            read -> read.stream().anyMatch(record -> record.timestamp() > crashedAt),
                            Duration.ofSeconds(180),
                            "a result written after crash " + (crash + 1));
                    recoveries.add(System.currentTimeMillis() - crashedAt);
                }
                feeding.get(5, TimeUnit.MINUTES);
                KafkaClients.pollUntil(
                        multipliers,
                        results,
                        read -> read.size() >= expected.size(),
                        Duration.ofSeconds(300),
                        expected.size() + " results");
                KafkaClients.pollFor(multipliers, results, Duration.ofSeconds(3));
                LOG.info("recovery times (crash to the first result written after it, committed) ms={}", recoveries);

                assertThat(results.stream().map(ClosedWorkload::decodeSurge).toList())
                        .as("every (zone, window_end) exactly once, equal to the oracle")
                        .containsExactlyInAnyOrderElementsOf(workload.expected());
                List<ConsumerRecord<byte[], byte[]>> raised = KafkaClients.records();
                KafkaClients.pollFor(alerts, raised, Duration.ofSeconds(3));
                // the backtest runs on this test's cluster, in the slots the job leaves
                job.cancel().get();
                UninterruptedRun.assertRaisedAsUninterrupted(raised, config, Path.of("alerts"), Long.MIN_VALUE);
            } finally {
                feeding.cancel(true);
                if (!job.getJobStatus().get().isGloballyTerminalState()) {
                    job.cancel().get();
                }
            }
        }
    }

    /**
     * Sends the workload at a steady rate, as live traffic arrives, then the ticks that close its windows. Early on, a
     * producer whose clock runs 50 minutes fast sends a valid driver status to every partition: were they counted, the
     * watermark would jump 50 minutes on, and a checkpoint would keep it there through every crash.
     */
    private static void feed(ClosedWorkload workload, SurgeStack stack) {
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(stack.bootstrapServers())) {
            workload.sendAtRate(producer, stack, 0, workload.size() / 20, EVENTS_PER_SECOND);
            for (int partition = 0; partition < stack.config().topics().partitions(); partition++) {
                DriverStatus fast = Inputs.driverStatus(
                        "fast-clock-" + partition,
                        40.71,
                        -74.01,
                        true,
                        workload.now() + Duration.ofMinutes(50).toMillis());
                producer.send(new ProducerRecord<>(stack.topicOf(fast), partition, null, null, stack.wire(fast)));
            }
            workload.sendAtRate(producer, stack, workload.size() / 20, workload.size(), EVENTS_PER_SECOND);
            workload.close(producer, stack);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Returns when the job has a checkpoint triggered but not yet completed. */
    private static void awaitCheckpointInProgress(MiniCluster cluster, JobID job) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (cluster.getExecutionGraph(job)
                        .get()
                        .getCheckpointStatsSnapshot()
                        .getCounts()
                        .getNumberOfInProgressCheckpoints()
                == 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no checkpoint in progress seen within 60 s");
            }
        }
    }
}
