package io.surge.io.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.surge.config.SurgeConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaEndpointsTest {

    private static final SurgeConfig JOB = SurgeConfig.fromOptions(Map.of("job.name", "city.a"), "test");

    @Test
    void theJobsTransactionalIdsAreItsSinksWithProcessSubtaskAndNumber() {
        assertThat(KafkaEndpoints.isTransactionalIdOf(JOB, "city.a-multipliers-0a1b2c3d-0-12")).isTrue();
        assertThat(KafkaEndpoints.isTransactionalIdOf(JOB, "city.a-dead-letters-ffffffff-1-0")).isTrue();
        assertThat(KafkaEndpoints.isTransactionalIdOf(JOB, "city.a-late-events-00000000-3-7")).isTrue();
        assertThat(KafkaEndpoints.isTransactionalIdOf(JOB, "city.a-alerts-9e8d7c6b-0-1")).isTrue();
        assertThat(KafkaEndpoints.isTransactionalIdOf(JOB, "city.a-alerts-0-1")).as("without a process").isFalse();
    }

    @Test
    void eachProcessWritesUnderIdsOfItsOwn() {
        String ours = KafkaEndpoints.transactionalIdPrefix(JOB, "multipliers") + "-1-4";
        assertThat(KafkaEndpoints.isTransactionalIdOf(JOB, ours)).isTrue();
        assertThat(KafkaEndpoints.isWrittenByThisProcess(JOB, ours)).isTrue();
        String process = ours.split("-")[2];
        String another = ours.replace(process, process.equals("00000000") ? "00000001" : "00000000");
        assertThat(KafkaEndpoints.isTransactionalIdOf(JOB, another)).isTrue();
        assertThat(KafkaEndpoints.isWrittenByThisProcess(JOB, another)).isFalse();
    }

    @Test
    void anotherJobWhoseNameBeginsWithThisOnesKeepsItsIds() {
        assertThat(KafkaEndpoints.isTransactionalIdOf(JOB, "city.a-eu-multipliers-0a1b2c3d-0-12")).isFalse();
        assertThat(KafkaEndpoints.isTransactionalIdOf(JOB, "cityxa-multipliers-0a1b2c3d-0-12"))
                .as("the dot is literal").isFalse();
        assertThat(KafkaEndpoints.isTransactionalIdOf(JOB, "city.a-multipliers-0a1b2c3d-0")).isFalse();
        assertThat(KafkaEndpoints.isTransactionalIdOf(JOB, "city.a-prices-0a1b2c3d-0-1")).isFalse();
    }
}
