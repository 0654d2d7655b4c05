package io.surge;

import static org.assertj.core.api.Assertions.assertThat;

import io.surge.testing.FlinkRest;
import io.surge.testing.Listeners;
import io.surge.testing.SurgeProcess;
import io.surge.testing.SurgeStack;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code surge run} listens on, tried as another local user or a web page in the operator's browser would: the
 * in-process Flink's REST API refuses jars and cancelling, answers no other origin, and neither it nor the metrics
 * endpoint can be reached through the machine's other addresses.
 */
class SurgeRunListenersIT {

    private static final Duration PATIENCE = Duration.ofSeconds(120);
    private static final String FOREIGN_PAGE = "http://evil.example";

    @TempDir
    Path work;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void theWebUiTakesNoJarsNorCancelsAndNothingListensBeyondLoopback() throws Exception {
        try (SurgeStack stack = SurgeStack.start(Map.of("job.name", "listeners"));
                SurgeProcess run = SurgeProcess.run(work, "run", List.of(
                        "--bootstrap", stack.bootstrapServers(), "--registry", stack.config().registry().url(),
                        "--set", "job.name=listeners", "--set", "state.dir=" + work.resolve("state"),
                        "--rest-port", "0", "--metrics-port", "0"))) {
            URI ui = URI.create(after("Flink web UI: ", run.awaitLine("Flink web UI: ", PATIENCE)));
            URI metrics = URI.create(after("metrics: ", run.awaitLine("metrics: ", PATIENCE)));
            FlinkRest flink = new FlinkRest(ui.toString());
            String job = flink.awaitRunningJob(PATIENCE);

            HttpResponse<String> jars = send(HttpRequest.newBuilder(ui.resolve("/jars")).GET());
            assertThat(jars.statusCode()).as("listing jars: %s", jars.body()).isGreaterThanOrEqualTo(400);
            HttpResponse<String> upload = send(HttpRequest.newBuilder(ui.resolve("/jars/upload"))
                    .header("Content-Type", "multipart/form-data; boundary=b")
                    .POST(HttpRequest.BodyPublishers.ofString("--b--\r\n")));
            assertThat(upload.statusCode()).as("uploading a jar: %s", upload.body()).isGreaterThanOrEqualTo(400);
            HttpResponse<String> cancel = send(HttpRequest.newBuilder(ui.resolve("/jobs/" + job + "?mode=cancel"))
                    .method("PATCH", HttpRequest.BodyPublishers.noBody()));
            assertThat(cancel.statusCode()).as("cancelling: %s", cancel.body()).isGreaterThanOrEqualTo(400);
            HttpResponse<String> savepoint = send(HttpRequest.newBuilder(ui.resolve("/jobs/" + job + "/savepoints"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"target-directory\": \"" + work.resolve("taken")
                            + "\", \"cancel-job\": true}")));
            assertThat(savepoint.statusCode()).as("a savepoint that cancels: %s", savepoint.body())
                    .isGreaterThanOrEqualTo(400);
            assertThat(flink.state(job)).isEqualTo("RUNNING");

            HttpResponse<String> crossOrigin = send(HttpRequest.newBuilder(ui.resolve("/jobs/overview"))
                    .header("Origin", FOREIGN_PAGE).GET());
            assertThat(crossOrigin.statusCode()).isEqualTo(200);
            assertThat(crossOrigin.headers().firstValue("Access-Control-Allow-Origin").orElse("(none)"))
                    .as("the origins whose pages may read the answer").isNotIn("*", FOREIGN_PAGE);

            HttpResponse<String> scrape = send(HttpRequest.newBuilder(metrics).GET());
            assertThat(scrape.body()).contains("flink_jobmanager_");
            assertThat(Listeners.externalAddresses()).as("an address of this machine other than loopback")
                    .isNotEmpty();
            Listeners.assertLoopbackOnly("the Flink web UI", ui.getPort());
            Listeners.assertLoopbackOnly("the metrics endpoint", metrics.getPort());
            // and whatever else Flink opens inside it (the blob server, RPC, the shuffle)
            List<InetSocketAddress> listening = Listeners.listening(run.processes());
            assertThat(listening).as("every address surge run listens on")
                    .extracting(InetSocketAddress::getPort).contains(ui.getPort(), metrics.getPort());
            assertThat(listening).as("every address surge run listens on")
                    .allMatch(address -> address.getAddress().isLoopbackAddress(), "on loopback");
        }
    }

    private static String after(String prefix, String line) {
        return line.substring(line.indexOf(prefix) + prefix.length()).trim();
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
