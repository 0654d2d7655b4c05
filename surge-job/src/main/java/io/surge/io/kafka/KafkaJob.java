package io.surge.io.kafka;

import io.surge.io.Topics;
import io.surge.io.registry.RegistrySettings;
import java.io.Serializable;
import java.time.Duration;

/**
 * What surge's Kafka sources, sinks and tools are made from: the cluster, the registry, the topics, how outputs are
 * written, and the job's name, which its consumer groups and transactional ids begin with.
 *
 * @param transactionTimeout {@code transaction.timeout.ms} of the exactly-once sinks
 * @param boundedInput whether the sources stop at the end the topics have when the job starts
 */
public record KafkaJob(
        String name,
        KafkaSettings kafka,
        RegistrySettings registry,
        Topics topics,
        OutputSettings output,
        Duration transactionTimeout,
        boolean boundedInput)
        implements Serializable {

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }
}
