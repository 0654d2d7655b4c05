package io.surge.io.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.surge.config.SurgeConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaEndpointsTest {

    private static final SurgeConfig JOB = SurgeConfig.fromOptions(Map.of("job.name", "city.a"), "test");

    @Test
    void theJobsTransactionalIdsAreItsSinksWithProcessSubtaskAndNumber() {
        assertThat(KafkaEndpoints.processOf(JOB.kafkaJob(), "city.a-multipliers-0a1b2c3d-0-12"))
                .contains("0a1b2c3d");
        assertThat(KafkaEndpoints.processOf(JOB.kafkaJob(), "city.a-dead-letters-ffffffff-1-0"))
                .contains("ffffffff");
        assertThat(KafkaEndpoints.processOf(JOB.kafkaJob(), "city.a-late-events-00000000-3-7"))
                .contains("00000000");
        assertThat(KafkaEndpoints.processOf(JOB.kafkaJob(), "city.a-alerts-9e8d7c6b-0-1"))
                .contains("9e8d7c6b");
        assertThat(KafkaEndpoints.processOf(JOB.kafkaJob(), "city.a-alerts-0-1"))
                .as("without a process")
                .isEmpty();
    }

    @Test
    void thisProcessWritesUnderIdsOfItsOwn() {
        String id = KafkaEndpoints.transactionalIdPrefix(JOB.kafkaJob(), "multipliers") + "-1-4";
        assertThat(KafkaEndpoints.processOf(JOB.kafkaJob(), id)).contains(KafkaEndpoints.thisProcess());
    }

    @Test
    void anotherJobWhoseNameBeginsWithThisOnesKeepsItsIds() {
        assertThat(KafkaEndpoints.processOf(JOB.kafkaJob(), "city.a-eu-multipliers-0a1b2c3d-0-12"))
                .isEmpty();
        assertThat(KafkaEndpoints.processOf(JOB.kafkaJob(), "cityxa-multipliers-0a1b2c3d-0-12"))
                .as("the dot is literal")
                .isEmpty();
        assertThat(KafkaEndpoints.processOf(JOB.kafkaJob(), "city.a-multipliers-0a1b2c3d-0"))
                .isEmpty();
        assertThat(KafkaEndpoints.processOf(JOB.kafkaJob(), "city.a-prices-0a1b2c3d-0-1"))
                .isEmpty();
    }
}
