package io.surge.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.surge.embedded.ChildProcess;
import io.surge.embedded.FreePort;
import io.surge.time.Waiting;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real Prometheus, Debian's {@code prometheus} package, scraping one metrics endpoint every second, queried through
 * its HTTP API as Grafana queries it. Tests that use it fail where the package is not installed.
 */
public final class PrometheusServer implements AutoCloseable {

    private static final Path BINARY = Path.of("/usr/bin/prometheus");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ChildProcess process;
    private final String url;
    private final HttpClient http = HttpClient.newHttpClient();

    private PrometheusServer(ChildProcess process, String url) {
        this.process = process;
        this.url = url;
    }

    /** @param target host:port of the metrics endpoint to scrape */
    public static PrometheusServer scraping(String target, Path work) throws Exception {
        assertThat(BINARY).as("Debian's prometheus, which .ci/run installs").isExecutable();
        Files.createDirectories(work);
        Path config = Files.writeString(work.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 1s
                scrape_configs:
                  - job_name: surge
                    static_configs:
                      - targets: ["%s"]
                """.formatted(target));
        int port = FreePort.pick();
        ChildProcess process = ChildProcess.start("prometheus", List.of(BINARY.toString(),
                "--config.file=" + config, "--storage.tsdb.path=" + work.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port), work.resolve("prometheus.log"), work);
        PrometheusServer server = new PrometheusServer(process, "http://127.0.0.1:" + port);
        Waiting.until(server::ready, Duration.ofSeconds(60), "Prometheus to start");
        return server;
    }

    private boolean ready() {
        process.checkAlive();
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url + "/-/ready")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** The samples of an instant query, as Prometheus' API returns them ({@code data.result}). */
    public JsonNode query(String promql) throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/query?query="
                + URLEncoder.encode(promql, StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode body = JSON.readTree(answer.body());
        if (!"success".equals(body.path("status").asText())) {
            throw new AssertionError("Prometheus refused " + promql + ": " + answer.body());
        }
        return body.path("data").path("result");
    }

    /** The one value of a query that returns one sample, or NaN when it returns none. */
    public double value(String promql) throws Exception {
        JsonNode result = query(promql);
        return result.isEmpty() ? Double.NaN : result.get(0).path("value").get(1).asDouble();
    }

    @Override
    public void close() throws Exception {
        process.close();
    }
}
