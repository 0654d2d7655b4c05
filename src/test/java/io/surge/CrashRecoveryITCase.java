package io.surge;

import static io.surge.testing.Events.at;
import static org.assertj.core.api.Assertions.assertThat;

import io.surge.avro.RideRequest;
import io.surge.avro.SurgeAlert;
import io.surge.avro.SurgeMultiplier;
import io.surge.config.FlinkSettings;
import io.surge.config.SurgeConfig;
import io.surge.pricing.ZoneSurge;
import io.surge.testing.CityWorkload;
import io.surge.testing.Inputs;
import io.surge.testing.KafkaClients;
import io.surge.testing.SurgeOracle;
import io.surge.testing.SurgeStack;
import io.surge.testing.WireRecords;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.util.TestStreamEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exactly-once through crashes: over 200,000 pre-loaded events, with checkpoints every second, the TaskManager
 * running the job is terminated when 15, 35 and 55 % of the results have been committed, and a new one takes over
 * from the latest checkpoint. A read_committed consumer must then see every (zone, window_end) exactly once with the
 * oracle's values, and every alert id once. Results are committed in bursts after a recovery, so the later crashes
 * may land when all results are already out; the recovery times logged are those of crashes that had work left.
 */
class CrashRecoveryITCase {

    private static final Logger LOG = LoggerFactory.getLogger(CrashRecoveryITCase.class);

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .build());

    @TempDir
    Path checkpoints;

    @Test
    void resultsAreExactlyOnceAcrossTaskManagerCrashes(@InjectMiniCluster MiniCluster cluster) throws Exception {
        try (SurgeStack stack = SurgeStack.start(Map.of(
                "checkpoint.interval", "1s", "checkpoint.dir", checkpoints.toUri().toString(), "job.name", "crash"))) {
            SurgeConfig config = stack.config();

            CityWorkload workload = CityWorkload.generate(99L, 200_000, at(0), 20, 4_000, 0.0, 0.0);
            List<SurgeOracle.Observation> observations = new ArrayList<>(workload.validInArrivalOrder());
            long end = at(200_000 * 20 / 1000 + 60);
            try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(stack.bootstrapServers())) {
                for (Object input : workload.inputs()) {
                    producer.send(new ProducerRecord<>(stack.topicOf(input), stack.wire(input)));
                }
                // a tick on every input partition, far from the workload's zones, closes the windows before it
                for (int partition = 0; partition < config.topicPartitions(); partition++) {
                    for (Object tick : List.of(Inputs.rideRequest("tick", 0.5, 0.5, end),
                            Inputs.driverStatus("tick", 0.5, 0.5, false, end))) {
                        producer.send(new ProducerRecord<>(
                                stack.topicOf(tick), partition, null, null, stack.wire(tick)));
                        observations.add(new SurgeOracle.Observation(-1, "zone_50_50", end,
                                tick instanceof RideRequest ? null : "tick", false));
                    }
                }
            }
            // the processing clock of the job: after every event, so that none is too far in the future
            long now = end + 60_000;
            List<ZoneSurge> expected = new SurgeOracle(30_000, 5_000, 5_000).replay(observations, now).results()
                    .stream()
                    .filter(result -> result.windowEnd() - 1 <= end - 5_001)
                    .toList();

            TestStreamEnvironment env =
                    new TestStreamEnvironment(cluster, FlinkSettings.of(config), 2, List.of(), List.of());
            SurgeJob.build(env, config, () -> now);
            JobClient job = env.executeAsync("crash");
            List<Long> recoveries = new ArrayList<>();
            try (KafkaConsumer<byte[], byte[]> multipliers =
                            KafkaClients.committedReader(stack.bootstrapServers(), "surge-multipliers");
                    KafkaConsumer<byte[], byte[]> alerts =
                            KafkaClients.committedReader(stack.bootstrapServers(), "surge-alerts")) {
                List<ConsumerRecord<byte[], byte[]>> results = KafkaClients.records();
                // the MiniCluster numbers task managers in start order: the one running the job is the latest started
                int running = 0;
                for (double share : new double[] {0.15, 0.35, 0.55}) {
                    int target = (int) (expected.size() * share);
                    KafkaClients.pollUntil(multipliers, results, read -> read.size() >= target,
                            Duration.ofSeconds(180), target + " results before a crash");
                    long killedAt = System.currentTimeMillis();
                    cluster.terminateTaskManager(running++).get();
                    cluster.startTaskManager();
                    // recovered once a result written after the crash (by its Kafka timestamp) is committed
                    KafkaClients.pollUntil(multipliers, results,
                            read -> read.size() >= expected.size()
                                    || read.stream().anyMatch(record -> record.timestamp() > killedAt),
                            Duration.ofSeconds(240), "a result written after the crash");
                    if (results.stream().anyMatch(record -> record.timestamp() > killedAt)) {
                        recoveries.add(System.currentTimeMillis() - killedAt);
                    }
                }
                KafkaClients.pollUntil(multipliers, results, read -> read.size() >= expected.size(),
                        Duration.ofSeconds(300), expected.size() + " results");
                KafkaClients.pollFor(multipliers, results, Duration.ofSeconds(3));
                LOG.info("recovery times (crash to the first result written after it, committed) ms={}", recoveries);

                assertThat(results.stream().map(CrashRecoveryITCase::decode).toList())
                        .as("every (zone, window_end) exactly once, equal to the oracle")
                        .containsExactlyInAnyOrderElementsOf(expected);
                List<ConsumerRecord<byte[], byte[]>> raised = KafkaClients.records();
                KafkaClients.pollFor(alerts, raised, Duration.ofSeconds(3));
                assertThat(raised.stream().map(record -> WireRecords.<SurgeAlert>decode(record.value(),
                                SurgeAlert.getClassSchema(), SurgeAlert.getClassSchema()).getAlertId()))
                        .as("every alert exactly once")
                        .doesNotHaveDuplicates();
            } finally {
                job.cancel().get();
            }
        }
    }

    private static ZoneSurge decode(ConsumerRecord<byte[], byte[]> record) {
        SurgeMultiplier m = WireRecords.decode(record.value(), SurgeMultiplier.getClassSchema(),
                SurgeMultiplier.getClassSchema());
        return new ZoneSurge(m.getZoneId(), m.getWindowStart().toEpochMilli(), m.getWindowEnd().toEpochMilli(),
                m.getDemand(), m.getSupply(), m.getMultiplier(), m.getComputedAt().toEpochMilli());
    }
}
