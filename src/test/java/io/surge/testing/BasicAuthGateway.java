package io.surge.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Deque;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Puts a registry behind HTTP basic auth, as a reverse proxy in front of it does in production: requests without the
 * right credentials get 401, the others are passed on unchanged to the real registry. Like a proxy in trouble, it can
 * answer the next requests for schemas by id with a status of its own (a timeout, a redirect), and its password can
 * be rotated.
 */
public final class BasicAuthGateway implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(4);
    private final HttpClient http = HttpClient.newHttpClient();
    private final String upstream;
    private volatile String expected;
    private final Deque<Integer> failures = new ConcurrentLinkedDeque<>();
    private final AtomicInteger refused = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();

    /** @param upstream the registry's base URL */
    public BasicAuthGateway(String upstream, String username, String password) throws IOException {
        this.upstream = upstream.replaceAll("/+$", "");
        rotate(username, password);
        this.server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(threads);
        server.start();
    }

    /** The base URL clients use instead of the registry's. */
    public String url() {
        return "http://localhost:" + server.getAddress().getPort();
    }

    /** From now on, only these credentials pass. */
    public void rotate(String username, String password) {
        expected = "Basic " + Base64.getEncoder()
                .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** The next {@code times} requests for a schema by id get {@code status} instead of the registry's answer. */
    public void failNext(int status, int times) {
        for (int i = 0; i < times; i++) {
            failures.addLast(status);
        }
    }

    /** How many requests got 401 so far. */
    public int refused() {
        return refused.get();
    }

    /** How many requests got a status of {@link #failNext} so far. */
    public int failed() {
        return failed.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Integer failure = exchange.getRequestURI().getPath().startsWith("/schemas/ids/") ? failures.poll() : null;
            if (failure != null) {
                failed.incrementAndGet();
                exchange.getResponseHeaders().add("Location", url() + exchange.getRequestURI());
                respond(exchange, failure, ("{\"message\":\"the proxy answers " + failure + "\"}").getBytes());
                return;
            }
            if (!expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                refused.incrementAndGet();
                exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"registry\"");
                respond(exchange, 401, "{\"error_code\":401,\"message\":\"Unauthorized\"}".getBytes());
                return;
            }
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(
                            URI.create(upstream + exchange.getRequestURI()))
                    .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
            for (String header : new String[] {"Content-Type", "Accept"}) {
                String value = exchange.getRequestHeaders().getFirst(header);
                if (value != null) {
                    request.header(header, value);
                }
            }
            HttpResponse<byte[]> response;
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                respond(exchange, 502, new byte[0]);
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                respond(exchange, 503, new byte[0]);
                return;
            }
            response.headers().firstValue("Content-Type")
                    .ifPresent(type -> exchange.getResponseHeaders().add("Content-Type", type));
            respond(exchange, response.statusCode(), response.body());
        }
    }

    private static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
