package io.surge.cli;

import io.surge.config.ConfigException;
import io.surge.embedded.FreePort;
import io.surge.monitoring.BoundPrometheusReporterFactory;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Option;

/** {@code --metrics-port} and {@code --metrics-host}: the Prometheus endpoint of a job in the command's own Flink. */
final class MetricsOptions {

    @Option(
            names = "--metrics-port",
            paramLabel = "PORT",
            description = "Serve the job's metrics for Prometheus on this port (0 for a free one), at /metrics.")
    Integer port;

    @Option(
            names = "--metrics-host",
            paramLabel = "ADDRESS",
            defaultValue = "127.0.0.1",
            description = "The address the metrics endpoint listens on: ${DEFAULT-VALUE}, this machine only, by"
                    + " default; 0.0.0.0 for every interface, so that a Prometheus elsewhere can scrape it.")
    String host;

    /** Turns the endpoint on when asked for, and says where it is. */
    void apply(Configuration flink, PrintWriter out) {
        if (port == null) {
            return;
        }
        int chosen = port == 0 ? FreePort.pick() : port;
        // Flink starts the endpoint later and only logs when it cannot: a taken address is refused here instead
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(host, chosen));
        } catch (IOException e) {
            throw ConfigException.cannotListen(
                    "the metrics endpoint", host, chosen, e, "choose another --metrics-port, or check --metrics-host");
        }
        BoundPrometheusReporterFactory.configure(flink, host, chosen);
        out.println("metrics: " + Listening.url(host, chosen) + "/metrics");
        out.flush();
    }
}
