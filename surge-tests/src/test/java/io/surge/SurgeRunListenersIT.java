package io.surge;

import static org.assertj.core.api.Assertions.assertThat;

import io.surge.testing.stack.FlinkJobs;
import io.surge.testing.stack.Listeners;
import io.surge.testing.stack.RawHttp;
import io.surge.testing.stack.SurgeProcess;
import io.surge.testing.stack.SurgeStack;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code surge run} listens on, tried as another local user or a web page in the operator's browser would: the
 * published Flink web UI and REST API take no jars and drive no job, answer no other origin or host name, and
 * nothing the process listens on can be reached through the machine's other addresses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SurgeRunListenersIT {

    private static final Duration PATIENCE = Duration.ofSeconds(120);
    private static final String FOREIGN_PAGE = "http://evil.example";

    @TempDir
    static Path work;

    private final HttpClient http = HttpClient.newHttpClient();
    private SurgeStack stack;
    private SurgeProcess run;
    private URI ui;
    private URI metrics;
    private FlinkJobs flink;
    private String job;

    @BeforeAll
    void startSurgeRun() throws Exception {
        stack = SurgeStack.start(Map.of("job.name", "listeners"));
        List<String> arguments = stack.runArguments("listeners", work.resolve("state"));
        arguments.addAll(List.of("--metrics-port", "0"));
        run = SurgeProcess.run(work, "run", arguments);
        ui = URI.create(after("Flink web UI: ", run.awaitLine("Flink web UI: ", PATIENCE)));
        metrics = URI.create(after("metrics: ", run.awaitLine("metrics: ", PATIENCE)));
        flink = new FlinkJobs(ui.toString());
        job = flink.awaitRunningJob(PATIENCE);
    }

    @AfterAll
    void stop() throws Exception {
        try (SurgeStack stopping = stack;
                SurgeProcess stopped = run) {
            // both closed, surge run first
        }
    }

    @AfterEach
    void theJobStillRuns() throws Exception {
        assertThat(flink.state(job)).isEqualTo("RUNNING");
    }

    @Test
    void takesNoJars() throws Exception {
        assertRefused(
                "listing jars", HttpRequest.newBuilder(ui.resolve("/jars")).GET());
        assertRefused(
                "uploading a jar",
                HttpRequest.newBuilder(ui.resolve("/jars/upload"))
                        .header("Content-Type", "multipart/form-data; boundary=b")
                        .POST(HttpRequest.BodyPublishers.ofString("--b--\r\n")));
    }

    @Test
    void drivesNoJob() throws Exception {
        assertRefused(
                "cancelling",
                HttpRequest.newBuilder(ui.resolve("/jobs/" + job + "?mode=cancel"))
                        .method("PATCH", HttpRequest.BodyPublishers.noBody()));
        assertRefused(
                "cancelling as YARN's proxy does",
                HttpRequest.newBuilder(ui.resolve("/v1/jobs/" + job + "/yarn-cancel"))
                        .GET());
        assertRefused(
                "a savepoint that cancels",
                HttpRequest.newBuilder(ui.resolve("/jobs/" + job + "/savepoints"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"target-directory\": \"" + work.resolve("taken") + "\", \"cancel-job\": true}")));
        assertRefused(
                "a GET with a body",
                HttpRequest.newBuilder(ui.resolve("/jobs/overview"))
                        .method("GET", HttpRequest.BodyPublishers.ofString("x".repeat(1_000))));
    }

    @Test
    void grantsNoOtherOriginAndAnswersNoOtherName() throws Exception {
        HttpResponse<String> crossOrigin = send(HttpRequest.newBuilder(ui.resolve("/jobs/overview"))
                .header("Origin", FOREIGN_PAGE)
                .GET());
        assertThat(crossOrigin.statusCode()).isEqualTo(200);
        assertThat(crossOrigin
                        .headers()
                        .firstValue("Access-Control-Allow-Origin")
                        .orElse("(none)"))
                .as("the origins whose pages may read the answer")
                .isNotIn("*", FOREIGN_PAGE);
        assertThat(RawHttp.status(ui.getPort(), "/jobs/overview", "evil.example:" + ui.getPort()))
                .as("a request naming another site (DNS rebinding)")
                .isEqualTo(403);
    }

    @Test
    void listensOnLoopbackOnly() throws Exception {
        assertThat(send(HttpRequest.newBuilder(metrics).GET()).body()).contains("flink_jobmanager_");
        assertThat(Listeners.externalAddresses())
                .as("an address of this machine other than loopback")
                .isNotEmpty();
        Listeners.assertLoopbackOnly("the Flink web UI", ui.getPort());
        Listeners.assertLoopbackOnly("the metrics endpoint", metrics.getPort());
        // and whatever else Flink opens inside it (its own REST port, the blob server)
        List<InetSocketAddress> listening = Listeners.listening(run.processes());
        assertThat(listening)
                .as("every address surge run listens on")
                .extracting(InetSocketAddress::getPort)
                .contains(ui.getPort(), metrics.getPort());
        assertThat(listening)
                .as("every address surge run listens on")
                .allMatch(address -> address.getAddress().isLoopbackAddress(), "on loopback");
    }

    private void assertRefused(String what, HttpRequest.Builder request) throws Exception {
        HttpResponse<String> answer = send(request);
        assertThat(answer.statusCode()).as("%s: %s", what, answer.body()).isBetween(400, 499);
    }

    private static String after(String prefix, String line) {
        return line.substring(line.indexOf(prefix) + prefix.length()).trim();
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
