package io.surge.io.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.surge.avro.RideRequest;
import io.surge.io.TlsStores;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the client takes the answers a registry, or what stands in front of it, can give for a schema id. The answers
 * are canned by a local HTTP server, in the shapes Confluent's registry gives them; the real registry is exercised in
 * the integration tests.
 */
class SchemaRegistryClientTest {

    private record Answer(int status, String body) {}

    private final Deque<Answer> answers = new ArrayDeque<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final HttpServer server = start();

    private HttpServer start() {
        try {
            HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            http.createContext("/", this::answer);
            http.start();
            return http;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private synchronized void answer(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        Answer answer = answers.size() > 1 ? answers.removeFirst() : answers.getFirst();
        byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(answer.status(), body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private SchemaRegistryClient client() {
        return new SchemaRegistryClient(settings());
    }

    private RegistrySettings settings() {
        return new RegistrySettings(
                "http://127.0.0.1:" + server.getAddress().getPort(),
                null,
                null,
                null,
                TlsStores.JVM_DEFAULTS,
                Duration.ofSeconds(1));
    }

    private void answering(int status, String body) {
        answers.addLast(new Answer(status, body));
    }

    private static String avro() {
        return "{\"schema\": " + quoted(RideRequest.getClassSchema().toString()) + "}";
    }

    private static String quoted(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @Test
    void entriesThatAreNotPlainAvroSchemasAreUnusableAndSaySo() {
        answering(200, "{\"schemaType\": \"JSON\", \"schema\": \"{\\\"type\\\": \\\"object\\\"}\"}");
        assertThatThrownBy(() -> client().awaitSchemaById(1))
                .isInstanceOf(UnusableSchemaException.class)
                .hasMessage("schema id 1 is a JSON schema, not Avro");
        answers.clear();
        answering(200, "{\"schemaType\": \"PROTOBUF\", \"schema\": \"syntax = \\\"proto3\\\";\"}");
        assertThatThrownBy(() -> client().awaitSchemaById(2))
                .isInstanceOf(UnusableSchemaException.class)
                .hasMessage("schema id 2 is a PROTOBUF schema, not Avro");
        answers.clear();
        answering(
                200,
                "{\"schema\": \"\\\"Other\\\"\", \"references\": [{\"name\": \"Other\", \"subject\": \"o\","
                        + " \"version\": 1}]}");
        assertThatThrownBy(() -> client().awaitSchemaById(3))
                .isInstanceOf(UnusableSchemaException.class)
                .hasMessageContaining("refers to other schemas");
        answers.clear();
        answering(200, "{\"id\": 4}");
        assertThatThrownBy(() -> client().awaitSchemaById(4))
                .isInstanceOf(UnusableSchemaException.class)
                .hasMessageContaining("holds no schema");
        answers.clear();
        answering(200, "<html>a proxy's page</html>");
        assertThatThrownBy(() -> client().awaitSchemaById(5))
                .isInstanceOf(UnusableSchemaException.class)
                .hasMessageContaining("is not JSON");
        answers.clear();
        answering(200, "{\"schema\": \"" + "x".repeat(SchemaRegistryClient.MAX_ANSWER_BYTES) + "\"}");
        assertThatThrownBy(() -> client().awaitSchemaById(6))
                .isInstanceOf(UnusableSchemaException.class)
                .hasMessageContaining("larger than " + SchemaRegistryClient.MAX_ANSWER_BYTES + " bytes");
    }

    @Test
    void anOutageIsWaitedOutHoweverLongItLastsAndTheSchemaComesOnceTheRegistryAnswers() {
        for (int i = 0; i < 4; i++) {
            answering(503, "{\"message\": \"unavailable\"}");
        }
        answering(429, "{\"message\": \"slow down\"}");
        answering(200, avro());

        // four 5xx and a 429 take longer than the client's retry-for of 1 s: waiting them out is what is asked
        assertThat(client().awaitSchemaById(7)).isEqualTo(RideRequest.getClassSchema());
        assertThat(requests).hasValue(6);
    }

    @Test
    void outsideTheInputPathAnOutageEndsTheCallOnceRetryForIsSpent() {
        answering(503, "{\"message\": \"unavailable\"}");

        assertThatThrownBy(() -> client().schemaById(8))
                .isInstanceOfSatisfying(
                        RegistryException.class, e -> assertThat(e.httpStatus()).isEqualTo(503))
                .hasMessageContaining("gave up after retrying");
    }

    @Test
    void aRefusalIsFinalOnceRetryForIsSpentEvenOnTheInputPath() {
        answering(403, "{\"error_code\": 40301, \"message\": \"forbidden\"}");

        assertThatThrownBy(() -> client().awaitSchemaById(9))
                .isInstanceOfSatisfying(
                        RegistryException.class, e -> assertThat(e.httpStatus()).isEqualTo(403))
                .hasMessageContaining("forbidden")
                .hasMessageContaining("still refused after retrying for 1 s");
    }

    @Test
    void clientsOfOneScopeShareTheSchemasTheyFetchedSoARestartedSourceNeedsNoRegistry() {
        answering(200, avro());
        answering(503, "{\"message\": \"unavailable\"}");
        RegistrySettings settings = settings();
        assertThat(new SchemaRegistryClient(settings, "job-a").awaitSchemaById(13))
                .isEqualTo(RideRequest.getClassSchema());

        // the registry is down now: the restarted source of the same job finds its schema; another job's waits
        assertThat(assertTimeoutPreemptively(
                        Duration.ofSeconds(10), () -> new SchemaRegistryClient(settings, "job-a").awaitSchemaById(13)))
                .isEqualTo(RideRequest.getClassSchema());
        assertThatThrownBy(() -> new SchemaRegistryClient(settings, "job-b").schemaById(13))
                .hasMessageContaining("gave up after retrying");
    }

    @Test
    void aPermanentRedirectIsFinalAtOnceAndNamesTheSetting() {
        answering(308, "");

        assertThatThrownBy(() -> client().awaitSchemaById(14))
                .isInstanceOfSatisfying(
                        RegistryException.class, e -> assertThat(e.httpStatus()).isEqualTo(308))
                .hasMessageContaining("the registry moved to (no Location): set registry.url to it");
        assertThat(requests).hasValue(1);
    }

    @Test
    void anotherClientErrorIsFinalAtOnce() {
        answering(422, "{\"message\": \"unprocessable\"}");

        assertThatThrownBy(() -> client().awaitSchemaById(10))
                .isInstanceOfSatisfying(
                        RegistryException.class, e -> assertThat(e.httpStatus()).isEqualTo(422));
        assertThat(requests).hasValue(1);
    }

    @Test
    void timeoutsAndRedirectsOfWhatStandsInFrontOfTheRegistryAreWaitedOutLikeAnOutage() {
        for (int i = 0; i < 3; i++) {
            answering(408, "request timeout");
            answering(307, "");
        }
        answering(200, avro());

        assertThat(client().awaitSchemaById(11)).isEqualTo(RideRequest.getClassSchema());
        assertThat(requests).hasValue(7);
    }

    @Test
    void aPasswordRotatedWhileTheRegistryRefusesTheOldOneIsReadAgainFromItsFile(@TempDir Path dir) throws Exception {
        Path passwordFile = Files.writeString(dir.resolve("registry-password"), "old\n");
        List<String> authorizations = new CopyOnWriteArrayList<>();
        server.createContext("/schemas/ids/12", exchange -> {
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            authorizations.add(authorization);
            boolean rotated = authorization.equals(
                    "Basic " + Base64.getEncoder().encodeToString("surge:new".getBytes(StandardCharsets.UTF_8)));
            if (!rotated) {
                // the registry has the new password by now; surge still sends the old one, until the file changes
                Files.writeString(passwordFile, "new\n");
            }
            byte[] body = (rotated ? avro() : "{\"message\": \"unauthorized\"}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(rotated ? 200 : 401, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        SchemaRegistryClient client = new SchemaRegistryClient(new RegistrySettings(
                "http://127.0.0.1:" + server.getAddress().getPort(),
                "surge",
                "old",
                passwordFile.toString(),
                TlsStores.JVM_DEFAULTS,
                Duration.ofSeconds(30)));

        assertThat(client.awaitSchemaById(12)).isEqualTo(RideRequest.getClassSchema());
        assertThat(authorizations).hasSize(2);
    }
}
