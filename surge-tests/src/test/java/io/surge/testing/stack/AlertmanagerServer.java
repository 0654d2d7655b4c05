package io.surge.testing.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;

/**
 * A real Alertmanager, Debian's {@code prometheus-alertmanager} package (which {@code .ci/run} installs), on a free
 * loopback port with clustering off, queried through its v2 API as its UI and {@code amtool} query it.
 */
public final class AlertmanagerServer implements AutoCloseable {

    private static final Path BINARY = Path.of("/usr/bin/prometheus-alertmanager");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PrometheusProjectServer server;

    private AlertmanagerServer(PrometheusProjectServer server) {
        this.server = server;
    }

    /** Fails, rather than skips, where the package is missing: CI installs it. */
    public static AlertmanagerServer start(Path config, Path work) throws Exception {
        return new AlertmanagerServer(PrometheusProjectServer.start(
                "alertmanager",
                BINARY,
                "prometheus-alertmanager",
                List.of(
                        "--config.file=" + config.toAbsolutePath(),
                        "--storage.path=" + work.resolve("data"),
                        "--cluster.listen-address="),
                work));
    }

    public String url() {
        return server.url();
    }

    /** The alerts it holds that have not ended, active, silenced or inhibited ({@code GET /api/v2/alerts}). */
    public JsonNode alerts() throws Exception {
        HttpResponse<String> answer = server.get("/api/v2/alerts");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return JSON.readTree(answer.body());
    }

    /** Stops it; what it held in memory, its alerts among them, is gone when it starts again. */
    public void stop() throws Exception {
        server.stop();
    }

    public void startAgain() throws Exception {
        server.startAgain();
    }

    @Override
    public void close() throws Exception {
        server.close();
    }
}
