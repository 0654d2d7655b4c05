package io.surge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.surge.SurgeJob;
import io.surge.config.FlinkSettings;
import io.surge.config.SurgeConfig;
import io.surge.embedded.FreePort;
import io.surge.testing.Inputs;
import io.surge.testing.SurgeOnMiniCluster;
import io.surge.testing.stack.ClosedWorkload;
import io.surge.testing.stack.KafkaClients;
import io.surge.testing.stack.SurgeStack;
import io.surge.time.Waiting;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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

/**
 * {@code surge status} against a running job, on a real broker, registry and Flink with its REST API: healthy, with the
 * job, its checkpoint, watermark, lag and last minute's records; then against the same job cancelled: unhealthy.
 */
@Tag("slow")
class StatusCommandITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = SurgeOnMiniCluster.extension();

    @Test
    void aRunningJobIsHealthyAndACancelledOneIsNot(@InjectMiniCluster MiniCluster cluster) throws Exception {
        try (SurgeStack stack = SurgeStack.start(Map.of("job.name", "status", "checkpoint.interval", "1s"))) {
            SurgeConfig config = stack.config();
            ClosedWorkload workload =
                    ClosedWorkload.generate(3L, 6_000, config.topics().partitions());
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.getExecutionEnvironment(FlinkSettings.of(config));
            env.setParallelism(2);
            long now = workload.now();
            SurgeJob.buildOnKafka(env, config, () -> now);
            JobClient job = env.executeAsync(config.jobName());
            String flink = cluster.getRestAddress().get().toString();
            String[] arguments = status(stack, flink);
            try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(stack.bootstrapServers());
                    KafkaConsumer<byte[], byte[]> multipliers = KafkaClients.committedReader(
                            stack.bootstrapServers(), config.topics().multipliers())) {
                workload.sendAtRate(producer, stack, 0, workload.size(), 3_000);
                producer.send(new ProducerRecord<>(
                        config.topics().rideRequests(), "not avro".getBytes(StandardCharsets.UTF_8)));
                producer.flush();
                List<ConsumerRecord<byte[], byte[]>> results = KafkaClients.records();
                KafkaClients.pollUntil(
                        multipliers, results, read -> !read.isEmpty(), Duration.ofSeconds(60), "a first result");
                CliRun[] last = new CliRun[1];
                try {
                    // Flink's REST API refreshes the watermark metric every 10 s: a job just started has none yet
                    Waiting.until(
                            () -> (last[0] = CliRun.of(arguments)).out().contains("1 dead letters")
                                    && last[0].out().contains("watermark      2026-11-25T"),
                            Duration.ofSeconds(60),
                            "the dead letter to be committed and the watermark reported");
                } catch (java.util.concurrent.TimeoutException e) {
                    throw new AssertionError(e.getMessage() + "; surge status said:\n" + last[0].out() + last[0].err());
                }

                CliRun healthy = CliRun.of(arguments);
                assertThat(healthy.exitCode()).as(healthy.out() + healthy.err()).isZero();
                assertThat(healthy.out())
                        .contains("job            " + job.getJobID() + ", RUNNING for")
                        .containsPattern("checkpoint     #\\d+, \\d+ s ago")
                        .containsPattern("watermark      2026-11-25T")
                        .containsPattern("input lag      [\\d,]+ records behind \\(consumer group status\\): "
                                + "driver-status-0 \\d+")
                        .containsPattern("last minute    [\\d,]+ input records, [1-9][\\d,]* results, \\d+ alerts,"
                                + " 0 late, 1 dead letters \\(undecodable 1\\)")
                        .endsWith("healthy\n");
            } finally {
                job.cancel().get();
            }
            Waiting.until(
                    () -> CliRun.of(arguments).out().contains("CANCELED"),
                    Duration.ofSeconds(60),
                    "Flink to report the job cancelled");
            CliRun stopped = CliRun.of(arguments);
            assertThat(stopped.exitCode()).as(stopped.out()).isEqualTo(1);
            assertThat(stopped.out()).contains("UNHEALTHY: the job is CANCELED");

            // a job whose process is gone: nothing answers where its Flink was
            String gone = "http://localhost:" + FreePort.pick();
            CliRun down = CliRun.of(status(stack, gone));
            assertThat(down.exitCode()).as(down.out() + down.err()).isEqualTo(1);
            assertThat(down.out())
                    .contains("job            no answer from Flink at " + gone)
                    .contains("input lag      ")
                    .contains("UNHEALTHY: Flink's REST API at " + gone + " does not answer");
        }
    }

    /**
     * A job whose watermark is ahead of this machine's clock (its own never passes its processing clock, so here the
     * job's clock runs two hours ahead, as a checkpoint of an earlier build could have left it): unhealthy, saying
     * by how much.
     */
    @Test
    void aWatermarkAheadOfTheClockIsUnhealthy(@InjectMiniCluster MiniCluster cluster) throws Exception {
        try (SurgeStack stack = SurgeStack.start(Map.of("job.name", "status", "checkpoint.interval", "1s"))) {
            SurgeConfig config = stack.config();
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.getExecutionEnvironment(FlinkSettings.of(config));
            env.setParallelism(1);
            long ahead = System.currentTimeMillis() + Duration.ofHours(2).toMillis();
            SurgeJob.buildOnKafka(
                    env, config, () -> ahead + Duration.ofMinutes(1).toMillis());
            JobClient job = env.executeAsync(config.jobName());
            String[] arguments = status(stack, cluster.getRestAddress().get().toString());
            try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(stack.bootstrapServers())) {
                for (int partition = 0; partition < config.topics().partitions(); partition++) {
                    for (String topic : List.of(
                            config.topics().rideRequests(), config.topics().driverStatus())) {
                        Object input = topic.equals(config.topics().rideRequests())
                                ? Inputs.rideRequest("r" + partition, 40.71, -74.01, ahead)
                                : Inputs.driverStatus("d" + partition, 40.71, -74.01, true, ahead);
                        producer.send(new ProducerRecord<>(topic, partition, null, null, stack.wire(input)));
                    }
                }
                producer.flush();
                CliRun[] last = new CliRun[1];
                try {
                    Waiting.until(
                            () -> (last[0] = CliRun.of(arguments)).out().contains("AHEAD of the clock"),
                            Duration.ofSeconds(60),
                            "surge status to see the watermark ahead");
                } catch (java.util.concurrent.TimeoutException e) {
                    throw new AssertionError(e.getMessage() + "; surge status said:\n" + last[0].out() + last[0].err());
                }
                assertThat(last[0].exitCode()).isEqualTo(1);
                // two hours less the out-of-orderness and however long the job took to get there
                assertThat(last[0].out())
                        .containsPattern("watermark      \\S+, (1[01]\\d|120) min AHEAD of the clock")
                        .containsPattern(
                                "UNHEALTHY: the watermark is (1[01]\\d|120) min ahead of this machine's" + " clock");
            } finally {
                job.cancel().get();
            }
        }
    }

    private static String[] status(SurgeStack stack, String flink) {
        return new String[] {
            "status",
            "--bootstrap",
            stack.bootstrapServers(),
            "--registry",
            stack.config().registry().url(),
            "--set",
            "job.name=status",
            "--set",
            "checkpoint.interval=1s",
            "--flink",
            flink
        };
    }
}
