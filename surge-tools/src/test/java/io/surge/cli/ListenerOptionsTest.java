package io.surge.cli;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.surge.config.ConfigException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/** A port that is taken stops the command at start, naming the options to change, before Flink starts. */
class ListenerOptionsTest {

    private final PrintWriter out = new PrintWriter(new StringWriter());

    @Test
    void aTakenMetricsPortIsRefusedNamingTheOptions() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            MetricsOptions metrics = new MetricsOptions();
            metrics.host = "127.0.0.1";
            metrics.port = taken.getLocalPort();
            assertThatThrownBy(() -> metrics.apply(new Configuration(), out))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("the metrics endpoint cannot listen on 127.0.0.1:" + taken.getLocalPort())
                    .hasMessageContaining("--metrics-port")
                    .hasMessageContaining("--metrics-host");
        }
    }

    @Test
    void aTakenWebUiPortIsRefusedNamingTheOptions() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            WebUiOptions webUi = new WebUiOptions();
            webUi.host = "127.0.0.1";
            assertThatThrownBy(() -> webUi.serve(new Configuration(), taken.getLocalPort(), out))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("the Flink web UI cannot listen on 127.0.0.1:" + taken.getLocalPort())
                    .hasMessageContaining("--rest-port")
                    .hasMessageContaining("--rest-host");
        }
    }
}
