package io.surge.io.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.surge.testing.stack.LogWatch;
import java.net.ServerSocket;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;

class KafkaSettingsTest {

    /**
     * An admin client of surge's whose brokers are all gone keeps retrying them: it does not go back to the bootstrap
     * servers, which Kafka 4's admin client does in a busy loop once it reaches none of them (seen as millions of
     * "Rebootstrapping" lines a minute from the admin clients Flink's exactly-once sink writers leave open). The
     * client here is told to go back after 100 ms without a broker, as it would after Kafka's 5 min, and its broker is
     * a port nobody listens on.
     */
    @Test
    void anAdminClientWithoutBrokersDoesNotGoBackToBootstrap() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        KafkaSettings kafka = KafkaSettings.plaintext("localhost:" + closedPort);

        try (LogWatch watch = LogWatch.watch("Rebootstrapping")) {
            try (Admin admin = Admin.create(kafka.clientProperties(Map.of(
                    CommonClientConfigs.METADATA_RECOVERY_REBOOTSTRAP_TRIGGER_MS_CONFIG, "100",
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000",
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000")))) {
                // fails when its 3 s run out: thirty times the trigger
                assertThatThrownBy(() -> admin.describeCluster().nodes().get(10, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class);
            }
            assertThat(watch.seen()).as("log events read").isPositive();
            assertThat(watch.matches())
                    .as("log events of the admin client going back to bootstrap")
                    .isEmpty();
        }
    }
}
