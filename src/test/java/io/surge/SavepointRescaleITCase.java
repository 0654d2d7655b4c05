package io.surge;

import static org.assertj.core.api.Assertions.assertThat;

import io.surge.config.SurgeConfig;
import io.surge.testing.ClosedWorkload;
import io.surge.testing.KafkaClients;
import io.surge.testing.SurgeOnMiniCluster;
import io.surge.testing.SurgeStack;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * An upgrade or rescale: the job is stopped with a savepoint while windows are open, resumed from it at parallelism 2,
 * stopped again and resumed at parallelism 1, with input arriving in between. The results are exactly those of one
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
            ClosedWorkload workload = ClosedWorkload.generate(21L, 30_000, config.topics().partitions());
            int third = workload.size() / 3;
            List<Stage> stages = List.of(
                    new Stage(1, 0, third, 0.15),
                    new Stage(2, third, 2 * third, 0.45),
                    new Stage(1, 2 * third, workload.size(), 1.0));
            try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(stack.bootstrapServers());
                    KafkaConsumer<byte[], byte[]> multipliers =
                            KafkaClients.committedReader(stack.bootstrapServers(), config.topics().multipliers())) {
                List<ConsumerRecord<byte[], byte[]>> results = KafkaClients.records();
                String savepoint = null;
                for (Stage stage : stages) {
                    workload.send(producer, stack, stage.from(), stage.to());
                    if (stage.to() == workload.size()) {
                        workload.close(producer, stack);
                    }
                    JobClient job = SurgeOnMiniCluster.start(
                            config, workload.now(), stage.parallelism(), savepoint);
                    int target = (int) (workload.expected().size() * stage.share());
                    try {
                        KafkaClients.pollUntil(multipliers, results, read -> read.size() >= target,
                                Duration.ofSeconds(120), target + " results at parallelism " + stage.parallelism());
                    } catch (AssertionError e) {
                        job.cancel().get();
                        throw e;
                    }
                    savepoint = job.stopWithSavepoint(false, savepoints.toUri().toString(),
                            SavepointFormatType.CANONICAL).get();
                }
                KafkaClients.pollFor(multipliers, results, Duration.ofSeconds(2));
                assertThat(results.stream().map(ClosedWorkload::decodeSurge).toList())
                        .as("every (zone, window_end) exactly once, equal to the oracle")
                        .containsExactlyInAnyOrderElementsOf(workload.expected());
            }
        }
    }

    /**
     * One run of the job: at {@code parallelism}, after the events from {@code from} to {@code to} were sent, until
     * at least {@code share} of all the results are committed.
     */
    private record Stage(int parallelism, int from, int to, double share) {}
}
