package io.surge.io.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.surge.config.SurgeConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaEndpointsTest {

    private static final SurgeConfig JOB = SurgeConfig.fromOptions(Map.of("job.name", "city.a"), "test");

    @Test
    void theJobsTransactionalIdsAreItsSinksWithSubtaskAndNumber() {
        assertThat(KafkaEndpoints.isTransactionalIdOf(JOB, "city.a-multipliers-0-12")).isTrue();
        assertThat(KafkaEndpoints.isTransactionalIdOf(JOB, "city.a-dead-letters-1-0")).isTrue();
        assertThat(KafkaEndpoints.isTransactionalIdOf(JOB, "city.a-late-events-3-7")).isTrue();
        assertThat(KafkaEndpoints.isTransactionalIdOf(JOB, "city.a-alerts-0-1")).isTrue();
    }

    @Test
    void anotherJobWhoseNameBeginsWithThisOnesKeepsItsIds() {
        assertThat(KafkaEndpoints.isTransactionalIdOf(JOB, "city.a-eu-multipliers-0-12")).isFalse();
        assertThat(KafkaEndpoints.isTransactionalIdOf(JOB, "cityxa-multipliers-0-12")).as("the dot is literal")
                .isFalse();
        assertThat(KafkaEndpoints.isTransactionalIdOf(JOB, "city.a-multipliers-0")).isFalse();
        assertThat(KafkaEndpoints.isTransactionalIdOf(JOB, "city.a-prices-0-1")).isFalse();
    }
}
