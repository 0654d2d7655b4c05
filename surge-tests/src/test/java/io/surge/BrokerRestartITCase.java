package io.surge;

import static org.assertj.core.api.Assertions.assertThat;

import io.surge.config.SurgeConfig;
import io.surge.testing.SurgeOnMiniCluster;
import io.surge.testing.stack.ClosedWorkload;
import io.surge.testing.stack.KafkaClients;
import io.surge.testing.stack.SurgeStack;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker restarts in the middle of a run, with windows open and transactions in flight, and comes back on the
 * same port with its data, while traffic goes on. The job must recover by itself, no record may become late, and
 * the results must be exactly those of an undisturbed run.
 */
@Tag("slow")
class BrokerRestartITCase {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerRestartITCase.class);
    private static final int EVENTS_PER_SECOND = 2_000;

    @RegisterExtension
    static final MiniClusterExtension FLINK = SurgeOnMiniCluster.extension();

    @Test
    void jobRecoversByItselfFromABrokerRestartWithExactResults(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        // The test's event time runs 40 times faster than the wall clock, so partitions resuming a few hundred ms
        // apart after the restart are seconds apart in event time; an idleness above the restart's duration keeps
        // every partition holding the watermark until it resumes, as docs/guarantees.md recommends for riding out
        // outages.
        try (SurgeStack stack = SurgeStack.start(
                Map.of("job.name", "broker-restart", "checkpoint.interval", "1s", "watermark.idleness", "1min"))) {
            SurgeConfig config = stack.config();
            ClosedWorkload workload =
                    ClosedWorkload.generate(33L, 40_000, config.topics().partitions());
            JobClient job = SurgeOnMiniCluster.start(config, workload.now(), 2, null);
            // traffic goes on through the restart: the producer waits for the broker to come back
            CompletableFuture<Void> traffic = CompletableFuture.runAsync(() -> {
                try (KafkaProducer<byte[], byte[]> producer =
                        KafkaClients.producer(config.kafka(), Duration.ofMinutes(2))) {
                    workload.sendAtRate(producer, stack, 0, workload.size(), EVENTS_PER_SECOND);
                    workload.close(producer, stack);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            try (KafkaConsumer<byte[], byte[]> multipliers = KafkaClients.committedReader(
                    stack.bootstrapServers(), config.topics().multipliers())) {
                List<ConsumerRecord<byte[], byte[]>> results = KafkaClients.records();
                int target = workload.expected().size() / 4;
                KafkaClients.pollUntil(
                        multipliers,
                        results,
                        read -> read.size() >= target,
                        Duration.ofSeconds(120),
                        target + " results before the broker restart");

                long stoppedAt = System.nanoTime();
                stack.kafka().restart();
                long downtime = Duration.ofNanos(System.nanoTime() - stoppedAt).toMillis();

                traffic.get(5, TimeUnit.MINUTES);
                workload.readResults(multipliers, results, Duration.ofSeconds(240), Duration.ofSeconds(3));
                assertThat(job.getJobStatus().get())
                        .as("the job recovered by itself")
                        .isEqualTo(JobStatus.RUNNING);
                LOG.info(
                        "broker down for ms={}, job restarted={}",
                        downtime,
                        cluster.getExecutionGraph(job.getJobID()).get().getStatusTimestamp(JobStatus.RESTARTING) > 0);
                assertThat(results.stream().map(ClosedWorkload::decodeSurge).toList())
                        .as("every (zone, window_end) exactly once, equal to the oracle")
                        .containsExactlyInAnyOrderElementsOf(workload.expected());
                try (KafkaConsumer<byte[], byte[]> late = KafkaClients.committedReader(
                        stack.bootstrapServers(), config.topics().lateEvents())) {
                    List<ConsumerRecord<byte[], byte[]>> lateEvents = KafkaClients.records();
                    KafkaClients.pollFor(late, lateEvents, Duration.ofSeconds(2));
                    assertThat(lateEvents.stream()
                                    .map(record -> new String(
                                                    record.headers()
                                                            .lastHeader("surge.detail")
                                                            .value(),
                                                    StandardCharsets.UTF_8)
                                            + " from " + header(record, "surge.source.topic") + "-"
                                            + header(record, "surge.source.partition") + "@"
                                            + header(record, "surge.source.offset")))
                            .as("records made late by the restart")
                            .isEmpty();
                }
            } finally {
                traffic.cancel(true);
                job.cancel().get();
            }
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
