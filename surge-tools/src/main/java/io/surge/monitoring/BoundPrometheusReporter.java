package io.surge.monitoring;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.HTTPServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import org.apache.flink.metrics.prometheus.AbstractPrometheusReporter;

/**
 * Flink's Prometheus reporter, serving {@code /metrics} on the address it is given. Flink's own binds every interface
 * of the machine and has no option for the address; this one names and labels every metric as Flink's does (it is
 * Flink's reporter but for the server), so dashboards and alert rules serve both.
 */
public final class BoundPrometheusReporter extends AbstractPrometheusReporter {

    private final HTTPServer server;

    BoundPrometheusReporter(String host, int port) {
        InetSocketAddress address = new InetSocketAddress(host, port);
        try {
            // daemon threads: the endpoint must not keep a stopping surge alive
            this.server = new HTTPServer(address, collectors(), true);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot serve metrics on " + address + ": " + e.getMessage()
                            + "; choose another --metrics-host or --metrics-port",
                    e);
        }
        log.info("Serving metrics for Prometheus on {}", address);
    }

    @Override
    public void close() {
        server.stop();
        super.close();
    }

    /** Flink keeps what its reporter collected in a field of its own, which its reporter serves and has no getter. */
    private CollectorRegistry collectors() {
        try {
            Field registry = AbstractPrometheusReporter.class.getDeclaredField("registry");
            registry.setAccessible(true);
            return (CollectorRegistry) registry.get(this);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("this Flink's Prometheus reporter keeps its metrics elsewhere", e);
        }
    }
}
