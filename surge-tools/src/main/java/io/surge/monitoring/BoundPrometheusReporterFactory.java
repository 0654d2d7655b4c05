package io.surge.monitoring;

import java.util.Properties;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/** Makes a {@link BoundPrometheusReporter} of a reporter's {@code host} and {@code port} settings. */
public final class BoundPrometheusReporterFactory implements MetricReporterFactory {

    public static final String HOST = "host";
    public static final String PORT = "port";

    /**
     * This reporter, in place of Flink's, on {@code host:port}, as on a cluster: every metric at
     * {@code http://host:port/metrics}, named as docker-compose's and the Kubernetes manifest's reporters name them, so
     * one dashboard serves all.
     */
    public static void configure(Configuration flink, String host, int port) {
        String reporter = "metrics.reporter.prom.";
        flink.set(
                ConfigOptions.key(reporter + "factory.class").stringType().noDefaultValue(),
                BoundPrometheusReporterFactory.class.getName());
        flink.set(ConfigOptions.key(reporter + HOST).stringType().noDefaultValue(), host);
        flink.set(ConfigOptions.key(reporter + PORT).stringType().noDefaultValue(), String.valueOf(port));
    }

    @Override
    public MetricReporter createMetricReporter(Properties properties) {
        return new BoundPrometheusReporter(
                properties.getProperty(HOST, "127.0.0.1"), Integer.parseInt(properties.getProperty(PORT)));
    }
}
