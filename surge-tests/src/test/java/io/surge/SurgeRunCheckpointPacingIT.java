package io.surge;

import static org.assertj.core.api.Assertions.assertThat;

import io.surge.testing.SurgeResults;
import io.surge.testing.stack.ClosedWorkload;
import io.surge.testing.stack.KafkaClients;
import io.surge.testing.stack.SurgeProcess;
import io.surge.testing.stack.SurgeStack;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code surge run} starts a checkpoint once its windows have closed ({@code checkpoint.pacing: windows}, the
 * default), so exactly-once results commit then, not at the next tick of a clock. With a checkpoint interval of 10
 * minutes, Flink's own clock would start its first checkpoint anywhere in those 10 minutes (a run with {@code
 * checkpoint.pacing=interval} read nothing committed in 40 s); paced by the windows, every result of a workload is
 * committed within 40 s, with the oracle's values.
 */
class SurgeRunCheckpointPacingIT {

    private static final String JOB = "pacing";
    private static final Duration PATIENCE = Duration.ofSeconds(40);

    @TempDir
    Path work;

    @Test
    void exactlyOnceResultsCommitWhenTheirWindowsCloseNotAtTheInterval() throws Exception {
        try (SurgeStack stack = SurgeStack.start(Map.of("job.name", JOB))) {
            ClosedWorkload workload =
                    ClosedWorkload.generate(31L, 6_000, stack.config().topics().partitions());
            try (SurgeProcess run = SurgeProcess.run(
                    work,
                    "run",
                    stack.runArguments(
                            JOB,
                            work.resolve("state"),
                            // within kafka.transaction-timeout (15 min) with the rest of a transaction's life
                            "checkpoint.interval=10min",
                            "checkpoint.timeout=1min",
                            "recovery.max-downtime=1min"))) {
                try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(stack.bootstrapServers())) {
                    workload.sendAll(producer, stack);
                }
                try (KafkaConsumer<byte[], byte[]> multipliers = KafkaClients.committedReader(
                        stack.bootstrapServers(), stack.config().topics().multipliers())) {
                    List<ConsumerRecord<byte[], byte[]>> results = KafkaClients.records();
                    // long before the checkpoint interval
                    try {
                        workload.readResults(multipliers, results, PATIENCE, Duration.ofSeconds(2));
                    } catch (AssertionError e) {
                        throw new AssertionError(e.getMessage() + "; surge run warned:\n" + run.problems(), e);
                    }
                    assertThat(results.stream().map(ClosedWorkload::decodeSurge).map(SurgeResults::withoutComputedAt))
                            .as("every (zone, window_end) committed once, equal to the oracle")
                            .containsExactlyInAnyOrderElementsOf(workload.expected().stream()
                                    .map(SurgeResults::withoutComputedAt)
                                    .toList());
                }
            }
        }
    }
}
