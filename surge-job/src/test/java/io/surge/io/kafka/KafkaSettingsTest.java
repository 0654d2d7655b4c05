package io.surge.io.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.internals.AdminMetadataManager;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
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

        AtomicInteger rebootstraps = new AtomicInteger();
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        String logger = AdminMetadataManager.class.getName();
        LoggerConfig config = new LoggerConfig(logger, Level.INFO, true);
        AbstractAppender counter = new AbstractAppender("rebootstraps", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                if (event.getMessage().getFormattedMessage().contains("Rebootstrapping")) {
                    rebootstraps.incrementAndGet();
                }
            }
        };
        counter.start();
        config.addAppender(counter, Level.INFO, null);
        context.getConfiguration().addLogger(logger, config);
        context.updateLoggers();
        try (Admin admin = Admin.create(kafka.clientProperties(Map.of(
                CommonClientConfigs.METADATA_RECOVERY_REBOOTSTRAP_TRIGGER_MS_CONFIG, "100",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000",
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000")))) {
            // fails when its 3 s run out: thirty times the trigger
            assertThatThrownBy(() -> admin.describeCluster().nodes().get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class);
        } finally {
            context.getConfiguration().removeLogger(logger);
            context.updateLoggers();
            counter.stop();
        }
        assertThat(rebootstraps)
                .as("times the admin client went back to bootstrap")
                .hasValue(0);
    }
}
