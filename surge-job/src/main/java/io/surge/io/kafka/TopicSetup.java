package io.surge.io.kafka;

import io.surge.io.Topics;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates surge's topics that do not exist yet. The multipliers topic is compacted as well as time-retained: the
 * latest value per zone is what a pricing service reads, and compaction keeps it however old. The rule sets topic is
 * kept whole, for ever: every version stays, for replays, backtests and rollbacks, and no record (a tombstone, a
 * reused key) can take one away.
 */
public final class TopicSetup {

    private static final Logger LOG = LoggerFactory.getLogger(TopicSetup.class);

    private TopicSetup() {}

    public static void ensureTopics(KafkaJob job) {
        ensureTopics(job, job.topics().all());
    }

    /**
     * Creates those of {@code names} that do not exist yet: a tool that uses one topic needs no rights on the others
     * (on a broker with ACLs, a user sees only the topics it may describe).
     */
    public static void ensureTopics(KafkaJob job, Collection<String> names) {
        Topics topics = job.topics();
        try (Admin admin = Admin.create(
                job.kafka().clientProperties(Map.of(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000")))) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = names.stream()
                    .filter(topic -> !existing.contains(topic))
                    .map(topic -> topic.equals(topics.ruleSets())
                            // one partition: a version's number is its position
                            ? new NewTopic(topic, 1, (short) -1)
                                    .configs(Map.of(
                                            "cleanup.policy", "delete", "retention.ms", "-1", "retention.bytes", "-1"))
                            : topic.equals(topics.multipliers())
                                    ? new NewTopic(topic, topics.partitions(), (short) -1)
                                            .configs(Map.of("cleanup.policy", "compact,delete"))
                                    : new NewTopic(topic, topics.partitions(), (short) -1))
                    .toList();
            for (NewTopic topic : missing) {
                try {
                    admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
                    LOG.info("topic created topic={} partitions={}", topic.name(), topic.numPartitions());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            if (names.contains(topics.ruleSets()) && existing.contains(topics.ruleSets())) {
                warnIfCompacted(admin, topics.ruleSets());
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new KafkaSetupException(
                    "cannot create surge's topics on Kafka at " + job.bootstrapServers() + ": " + e.getMessage() + "; "
                            + KafkaSetupException.fix(job.kafka(), e),
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }

    /**
     * A rules topic created by an earlier build is compacted, and on a compacted topic a tombstone under a version's
     * key, which any reader sees, deletes that version: said, not changed, as a topic's policy is its owner's.
     */
    private static void warnIfCompacted(Admin admin, String topic) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try {
            ConfigEntry policy = admin.describeConfigs(List.of(resource))
                    .all()
                    .get(30, TimeUnit.SECONDS)
                    .get(resource)
                    .get("cleanup.policy");
            if (policy != null && policy.value().contains("compact")) {
                LOG.warn(
                        "topic {} is compacted: anyone who can write to it can delete a rule set version with a"
                                + " tombstone; set its cleanup.policy to delete and retention.ms to -1",
                        topic);
            }
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn(
                    "cannot read the configuration of topic {} to check it is not compacted: {}",
                    topic,
                    e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
