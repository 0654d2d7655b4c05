package io.surge.embedded;

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
 * Apicurio Registry 2.4.2 as a child process, serving Confluent's Schema Registry API, its schemas in H2: in memory, or
 * in a database file that outlives the process, so that every schema keeps its id across restarts. The jar is built by
 * the sibling Maven project {@code embedded-registry/}, which the main build runs when the jar is missing.
 *
 * <p>The child is started under a shell that waits on its standard input: when this JVM exits, however it exits, the
 * pipe closes and the shell stops the registry, so no registry outlives its owner.
 */
public final class EmbeddedRegistry implements AutoCloseable {

    public static final Path DEFAULT_JAR = Path.of("embedded-registry/target/surge-embedded-registry-runner.jar");
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(90);

    private final ChildProcess process;
    private final Path log;
    private final int port;

    private EmbeddedRegistry(ChildProcess process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** Starts the registry, its schemas in memory, on {@code port}, or on a free port when it is 0. */
    public static EmbeddedRegistry start(Path jar, int port) throws IOException, InterruptedException {
        return start(jar, port, null);
    }

    /**
     * Starts the registry on {@code port}, or on a free port when it is 0, and waits until it answers.
     *
     * @param storage the directory of its database, created or reopened; null to keep the schemas in memory
     */
    public static EmbeddedRegistry start(Path jar, int port, Path storage) throws IOException, InterruptedException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("the embedded registry jar " + jar.toAbsolutePath() + " is missing;"
                    + " build it with: mvn -f embedded-registry/pom.xml package");
        }
        int chosenPort = port == 0 ? FreePort.pick() : port;
        Path log = Files.createTempFile("surge-registry-", ".log");
        List<String> jvm = new ArrayList<>(
                List.of("-Xmx384m", "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + chosenPort));
        if (storage != null) {
            Files.createDirectories(storage);
            // Apicurio's datasource setting; WRITE_DELAY=0 makes each registration durable when it is answered, so
            // that a registry killed right after a producer registered a schema still knows the id of its records
            jvm.add("-DREGISTRY_DATASOURCE_URL=jdbc:h2:file:"
                    + storage.toAbsolutePath().resolve("registry") + ";WRITE_DELAY=0");
        }
        jvm.addAll(List.of("-jar", jar.toAbsolutePath().toString()));
        ChildProcess process = ChildProcess.startJava(
                "the embedded registry", jvm, log, Path.of("").toAbsolutePath());
        EmbeddedRegistry registry = new EmbeddedRegistry(process, log, chosenPort);
        try {
            registry.awaitReady();
        } catch (IOException | InterruptedException | RuntimeException e) {
            registry.close();
            throw e;
        }
        return registry;
    }

    /** The base of the Confluent-compatible API: what a Confluent client takes as {@code schema.registry.url}. */
    public String url() {
        return "http://127.0.0.1:" + port + "/apis/ccompat/v7";
    }

    /** Stops the registry where it is: it accepts connections but answers nothing until {@link #resume}. */
    public void pause() throws IOException, InterruptedException {
        process.pause();
    }

    public void resume() throws IOException, InterruptedException {
        process.resume();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        process.close();
        Files.deleteIfExists(log);
    }

    private void awaitReady() throws IOException, InterruptedException {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest probe = HttpRequest.newBuilder(URI.create(url() + "/subjects"))
                .timeout(Duration.ofSeconds(2))
                .build();
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            process.checkAlive();
            try {
                if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the embedded registry did not answer within " + STARTUP_TIMEOUT.toSeconds()
                + " s:\n" + process.tail());
    }
}
