package io.surge.monitoring;

import java.util.Properties;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/** Makes a {@link BoundPrometheusReporter} of a reporter's {@code host} and {@code port} settings. */
public final class BoundPrometheusReporterFactory implements MetricReporterFactory {

    public static final String HOST = "host";
    public static final String PORT = "port";

    @Override
    public MetricReporter createMetricReporter(Properties properties) {
        return new BoundPrometheusReporter(
                properties.getProperty(HOST, "127.0.0.1"), Integer.parseInt(properties.getProperty(PORT)));
    }
}
