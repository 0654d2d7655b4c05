package io.surge;

import static org.assertj.core.api.Assertions.assertThat;

import io.surge.config.SurgeConfig;
import io.surge.testing.SurgeOnMiniCluster;
import io.surge.testing.stack.ClosedWorkload;
import io.surge.testing.stack.KafkaClients;
import io.surge.testing.stack.SurgeStack;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.CommonTestUtils;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Resuming from savepoints. An upgrade or rescale: the job is stopped with a savepoint while windows are open, resumed
 * from it at parallelism 2, stopped again and resumed at parallelism 1, with input arriving in between. A rollback: a
 * savepoint older than the offsets the job last committed. Either way the results are exactly those of one
 * uninterrupted run.
 */
@Tag("slow")
class SavepointRescaleITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = SurgeOnMiniCluster.extension();

    @TempDir
    Path savepoints;

    @Test
    void stopWithSavepointAndResumeAtParallelismOneTwoOneGivesExactResults() throws Exception {
        try (SurgeStack stack = SurgeStack.start(Map.of("job.name", "rescale", "checkpoint.interval", "1s"))) {
            SurgeConfig config = stack.config();
            ClosedWorkload workload =
                    ClosedWorkload.generate(21L, 30_000, config.topics().partitions());
            int third = workload.size() / 3;
            List<Stage> stages = List.of(
                    new Stage(1, 0, third, 0.15),
                    new Stage(2, third, 2 * third, 0.45),
                    new Stage(1, 2 * third, workload.size(), 1.0));
            try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(stack.bootstrapServers());
                    KafkaConsumer<byte[], byte[]> multipliers = KafkaClients.committedReader(
                            stack.bootstrapServers(), config.topics().multipliers())) {
                List<ConsumerRecord<byte[], byte[]>> results = KafkaClients.records();
                String savepoint = null;
                for (Stage stage : stages) {
                    workload.send(producer, stack, stage.from(), stage.to());
                    if (stage.to() == workload.size()) {
                        workload.close(producer, stack);
                    }
                    JobClient job = SurgeOnMiniCluster.start(config, workload.now(), stage.parallelism(), savepoint);
                    int target = (int) (workload.expected().size() * stage.share());
                    try {
                        KafkaClients.pollUntil(
                                multipliers,
                                results,
                                read -> read.size() >= target,
                                Duration.ofSeconds(120),
                                target + " results at parallelism " + stage.parallelism());
                    } catch (AssertionError e) {
                        job.cancel().get();
                        throw e;
                    }
                    savepoint = job.stopWithSavepoint(
                                    false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                            .get();
                }
                KafkaClients.pollFor(multipliers, results, Duration.ofSeconds(2));
                assertThat(results.stream().map(ClosedWorkload::decodeSurge).toList())
                        .as("every (zone, window_end) exactly once, equal to the oracle")
                        .containsExactlyInAnyOrderElementsOf(workload.expected());
            }
        }
    }

    /**
     * A savepoint taken before the job read anything, resumed after the inputs arrived and after the job's consumer
     * group committed offsets halfway through every input partition, as a later checkpoint of the job would have: the
     * resumed job reads each partition from where the savepoint says, its beginning, not from the committed offsets.
     * This is also a process falling back to an older retained checkpoint taken before a partition's first record.
     */
    @Test
    void aSavepointOlderThanTheCommittedOffsetsResumesFromItsOwnOffsets(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        try (SurgeStack stack = SurgeStack.start(Map.of("job.name", "rollback", "checkpoint.interval", "1s"))) {
            SurgeConfig config = stack.config();
            ClosedWorkload workload =
                    ClosedWorkload.generate(23L, 10_000, config.topics().partitions());
            JobClient beforeInputs = SurgeOnMiniCluster.start(config, workload.now(), 1, null);
            CommonTestUtils.waitForAllTaskRunning(cluster, beforeInputs.getJobID(), false);
            String savepoint = beforeInputs
                    .stopWithSavepoint(false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                    .get();
            try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(stack.bootstrapServers())) {
                workload.sendAll(producer, stack);
            }
            commitHalfwayThroughEveryInputPartition(stack);
            JobClient resumed = SurgeOnMiniCluster.start(config, workload.now(), 1, savepoint);
            try (KafkaConsumer<byte[], byte[]> multipliers = KafkaClients.committedReader(
                    stack.bootstrapServers(), config.topics().multipliers())) {
                List<ConsumerRecord<byte[], byte[]>> results = KafkaClients.records();
                try {
                    workload.readResults(multipliers, results, Duration.ofSeconds(120), Duration.ofSeconds(2));
                } finally {
                    resumed.cancel().get();
                }
                assertThat(results.stream().map(ClosedWorkload::decodeSurge).toList())
                        .as("every (zone, window_end) exactly once, equal to the oracle")
                        .containsExactlyInAnyOrderElementsOf(workload.expected());
            }
        }
    }

    private static void commitHalfwayThroughEveryInputPartition(SurgeStack stack) throws Exception {
        SurgeConfig config = stack.config();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()))) {
            Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
            for (String topic : config.topics().inputTopics()) {
                for (int partition = 0; partition < config.topics().partitions(); partition++) {
                    partitions.put(new TopicPartition(topic, partition), OffsetSpec.latest());
                }
            }
            Map<TopicPartition, OffsetAndMetadata> halfway = new HashMap<>();
            admin.listOffsets(partitions)
                    .all()
                    .get()
                    .forEach((partition, end) -> halfway.put(partition, new OffsetAndMetadata(end.offset() / 2)));
            admin.alterConsumerGroupOffsets(config.jobName(), halfway).all().get();
        }
    }

    /**
     * One run of the job: at {@code parallelism}, after the events from {@code from} to {@code to} were sent, until
     * at least {@code share} of all the results are committed.
     */
    private record Stage(int parallelism, int from, int to, double share) {}
}
