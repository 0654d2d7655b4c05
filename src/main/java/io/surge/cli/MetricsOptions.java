package io.surge.cli;

import io.surge.config.FlinkSettings;
import io.surge.embedded.FreePort;
import java.io.PrintWriter;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Option;

/** {@code --metrics-port}: the Prometheus endpoint of a job that runs in the command's own Flink. */
final class MetricsOptions {

    @Option(names = "--metrics-port", paramLabel = "PORT",
            description = "Serve the job's metrics for Prometheus on this port (0 for a free one), at /metrics."
                    + " Flink's reporter listens on every interface of the machine.")
    Integer port;

    /** Turns the endpoint on when asked for, and says where it is. */
    void apply(Configuration flink, PrintWriter out) {
        if (port == null) {
            return;
        }
        int chosen = port == 0 ? FreePort.pick() : port;
        FlinkSettings.exposeMetrics(flink, chosen);
        out.println("metrics: http://localhost:" + chosen + "/metrics");
        out.flush();
    }
}
