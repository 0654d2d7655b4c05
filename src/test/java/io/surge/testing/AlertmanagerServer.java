package io.surge.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.surge.embedded.ChildProcess;
import io.surge.embedded.FreePort;
import io.surge.time.Waiting;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real Alertmanager, Debian's {@code prometheus-alertmanager} package (which {@code .ci/run} installs), on a free
 * loopback port with clustering off, queried through its v2 API as its UI and {@code amtool} query it.
 */
public final class AlertmanagerServer implements AutoCloseable {

    public static final Path BINARY = Path.of("/usr/bin/prometheus-alertmanager");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ChildProcess process;
    private final String url;
    private final HttpClient http = HttpClient.newHttpClient();

    private AlertmanagerServer(ChildProcess process, String url) {
        this.process = process;
        this.url = url;
    }

    /** Fails, rather than skips, where the package is missing: CI installs it. */
    public static AlertmanagerServer start(Path config, Path work) throws Exception {
        assertThat(BINARY).as("Debian's prometheus-alertmanager (.ci/run installs it)").isExecutable();
        Files.createDirectories(work);
        int port = FreePort.pick();
        ChildProcess process = ChildProcess.start("alertmanager", List.of(BINARY.toString(),
                "--config.file=" + config.toAbsolutePath(), "--storage.path=" + work.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port, "--cluster.listen-address="),
                work.resolve("alertmanager.log"), work);
        AlertmanagerServer server = new AlertmanagerServer(process, "http://127.0.0.1:" + port);
        Waiting.until(server::ready, Duration.ofSeconds(60), "Alertmanager to start");
        return server;
    }

    public String url() {
        return url;
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

    /** The alerts it holds that have not ended, active, silenced or inhibited ({@code GET /api/v2/alerts}). */
    public JsonNode alerts() throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(url + "/api/v2/alerts")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return JSON.readTree(answer.body());
    }

    @Override
    public void close() throws Exception {
        process.close();
    }
}
