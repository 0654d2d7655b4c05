package io.surge.testing.stack;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.ArrayList;
import java.util.List;

/**
 * A server of the Prometheus project (Prometheus, Alertmanager) from Debian's packages, which .ci/run installs: on a
 * free loopback port, started once it answers {@code /-/ready}. Fails, rather than skips, where the package is missing.
 */
final class PrometheusProjectServer implements AutoCloseable {

    private final String name;
    private final List<String> command;
    private final Path work;
    private final String url;
    private final HttpClient http = HttpClient.newHttpClient();
    private ChildProcess process;
    private int starts;

    private PrometheusProjectServer(String name, List<String> command, Path work, String url) {
        this.name = name;
        this.command = command;
        this.work = work;
        this.url = url;
    }

    /**
     * @param name the server, for its log ({@code work/NAME.log}) and messages
     * @param flags its flags but {@code --web.listen-address}
     */
    static PrometheusProjectServer start(String name, Path binary, String debianPackage, List<String> flags, Path work)
            throws Exception {
        assertThat(binary)
                .as("Debian's " + debianPackage + ", which .ci/run installs")
                .isExecutable();
        Files.createDirectories(work);
        int port = FreePort.pick();
        List<String> command = new ArrayList<>(List.of(binary.toString()));
        command.addAll(flags);
        command.add("--web.listen-address=127.0.0.1:" + port);
        PrometheusProjectServer server = new PrometheusProjectServer(name, command, work, "http://127.0.0.1:" + port);
        server.startAgain();
        return server;
    }

    /** Starts the stopped server on its port again, with its data as it left them; its log is NAME-N.log. */
    void startAgain() throws Exception {
        starts++;
        process = ChildProcess.start(
                name, command, work.resolve(starts == 1 ? name + ".log" : name + "-" + starts + ".log"), work);
        Waiting.until(this::ready, Duration.ofSeconds(60), name + " to start");
    }

    void stop() throws Exception {
        process.close();
    }

    String url() {
        return url;
    }

    HttpResponse<String> get(String pathAndQuery) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(url + pathAndQuery)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private boolean ready() {
        process.checkAlive();
        try {
            return get("/-/ready").statusCode() == 200;
        } catch (IOException | InterruptedException e) {
            return false;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws Exception {
        process.close();
    }
}
