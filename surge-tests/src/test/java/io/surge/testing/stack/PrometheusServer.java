package io.surge.testing.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A real Prometheus, Debian's {@code prometheus} package, scraping one metrics endpoint every second, queried through
 * its HTTP API as Grafana queries it. Tests that use it fail where the package is not installed.
 */
public final class PrometheusServer implements AutoCloseable {

    private static final Path BINARY = Path.of("/usr/bin/prometheus");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PrometheusProjectServer server;

    private PrometheusServer(PrometheusProjectServer server) {
        this.server = server;
    }

    /** @param target host:port of the metrics endpoint to scrape */
    public static PrometheusServer scraping(String target, Path work) throws Exception {
        Files.createDirectories(work);
        Path config = Files.writeString(work.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 1s
                scrape_configs:
                  - job_name: surge
                    static_configs:
                      - targets: ["%s"]
                """.formatted(target));
        return new PrometheusServer(PrometheusProjectServer.start(
                "prometheus",
                BINARY,
                "prometheus",
                List.of("--config.file=" + config, "--storage.tsdb.path=" + work.resolve("data")),
                work));
    }

    /** The samples of an instant query, as Prometheus' API returns them ({@code data.result}). */
    public JsonNode query(String promql) throws Exception {
        HttpResponse<String> answer =
                server.get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        JsonNode body = JSON.readTree(answer.body());
        if (!"success".equals(body.path("status").asText())) {
            throw new AssertionError("Prometheus refused " + promql + ": " + answer.body());
        }
        return body.path("data").path("result");
    }

    /** The one value of a query that returns one sample, or NaN when it returns none. */
    public double value(String promql) throws Exception {
        JsonNode result = query(promql);
        return result.isEmpty()
                ? Double.NaN
                : result.get(0).path("value").get(1).asDouble();
    }

    @Override
    public void close() throws Exception {
        server.close();
    }
}
