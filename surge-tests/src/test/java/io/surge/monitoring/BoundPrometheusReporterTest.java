package io.surge.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.surge.embedded.FreePort;
import io.surge.testing.stack.Listeners;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Properties;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.junit.jupiter.api.Test;

/** The metrics endpoint listens where it is told: this machine only by default, every interface when opened. */
class BoundPrometheusReporterTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void onLoopbackItServesThisMachineOnly() throws Exception {
        assertThat(Listeners.externalAddresses())
                .as("an address of this machine other than loopback")
                .isNotEmpty();
        int port = FreePort.pick();
        MetricReporter reporter = reporter(null, port);
        try {
            assertThat(status(InetAddress.getLoopbackAddress(), port)).isEqualTo(200);
            Listeners.assertLoopbackOnly("the metrics endpoint", port);
        } finally {
            reporter.close();
        }
    }

    @Test
    void openedItServesOtherMachinesToo() throws Exception {
        assertThat(Listeners.externalAddresses())
                .as("an address of this machine other than loopback")
                .isNotEmpty();
        int port = FreePort.pick();
        MetricReporter reporter = reporter("0.0.0.0", port);
        try {
            assertThat(status(Listeners.externalAddresses().get(0), port)).isEqualTo(200);
            assertThatThrownBy(() -> Listeners.assertLoopbackOnly("the metrics endpoint", port))
                    .hasMessageContaining("not only on loopback");
        } finally {
            reporter.close();
        }
    }

    private static MetricReporter reporter(String host, int port) {
        Properties settings = new Properties();
        if (host != null) {
            settings.setProperty(BoundPrometheusReporterFactory.HOST, host);
        }
        settings.setProperty(BoundPrometheusReporterFactory.PORT, String.valueOf(port));
        return new BoundPrometheusReporterFactory().createMetricReporter(settings);
    }

    private int status(InetAddress address, int port) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(
                                        URI.create("http://" + address.getHostAddress() + ":" + port + "/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .statusCode();
    }
}
