package io.surge.recovery;

import io.surge.io.kafka.KafkaJob;
import io.surge.io.kafka.KafkaSetupException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.common.config.ConfigResource;

/**
 * What a job's start needs to know of the Kafka cluster it is pointed at.
 *
 * @param id the cluster id, which tells one cluster from another whatever the bootstrap address
 * @param groupHasOffsets whether the job's consumer group has committed offsets: some run of the job got that far
 * @param transactionMaxTimeout the brokers' {@code transaction.max.timeout.ms}, when this client may read it
 */
public record KafkaCluster(String id, boolean groupHasOffsets, Optional<Duration> transactionMaxTimeout) {

    private static final int TIMEOUT_SECONDS = 30;

    public static KafkaCluster inspect(KafkaJob job) {
        try (Admin admin = Admin.create(job.kafka()
                .clientProperties(Map.of(
                        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(TIMEOUT_SECONDS * 1000))))) {
            DescribeClusterResult cluster = admin.describeCluster();
            String id = cluster.clusterId().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            boolean offsets = !admin.listConsumerGroupOffsets(job.name())
                    .partitionsToOffsetAndMetadata()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    .isEmpty();
            String broker = String.valueOf(
                    cluster.controller().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).id());
            return new KafkaCluster(id, offsets, transactionMaxTimeout(admin, broker));
        } catch (ExecutionException | TimeoutException e) {
            throw new KafkaSetupException(
                    "cannot reach Kafka at " + job.bootstrapServers() + ": " + e.getMessage() + "; "
                            + KafkaSetupException.fix(job.kafka(), e),
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking Kafka about its cluster", e);
        }
    }

    /** Refuses a transaction timeout the brokers would refuse anyway, at the first checkpoint rather than now. */
    public void checkTransactionTimeout(KafkaJob job) {
        Duration asked = job.transactionTimeout();
        transactionMaxTimeout
                .filter(max -> job.output().exactlyOnce() && asked.compareTo(max) > 0)
                .ifPresent(max -> {
                    throw new KafkaSetupException(
                            "kafka.transaction-timeout (" + asked.toMillis() + " ms) is above the"
                                    + " brokers' transaction.max.timeout.ms (" + max.toMillis()
                                    + " ms), so they would refuse the"
                                    + " job's transactions; lower kafka.transaction-timeout (it must stay at least checkpoint.interval"
                                    + " + checkpoint.timeout + recovery.max-downtime) or raise the brokers' maximum",
                            null);
                });
    }

    private static Optional<Duration> transactionMaxTimeout(Admin admin, String broker) throws InterruptedException {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.BROKER, broker);
        try {
            Config configs = admin.describeConfigs(List.of(resource))
                    .all()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    .get(resource);
            ConfigEntry entry = configs.get("transaction.max.timeout.ms");
            return entry == null || entry.value() == null
                    ? Optional.empty()
                    : Optional.of(Duration.ofMillis(Long.parseLong(entry.value())));
        } catch (ExecutionException | TimeoutException e) {
            // a client without DescribeConfigs may still run the job: the brokers then check at the first transaction
            return Optional.empty();
        }
    }
}
