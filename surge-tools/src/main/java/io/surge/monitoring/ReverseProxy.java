package io.surge.monitoring;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A reverse proxy in front of an HTTP server, passing requests on with their body and content headers and answers
 * back with their status, body and content type; a subclass answers some requests itself (refuses them, or fails
 * them on purpose in a test). An upstream that cannot be reached gets 502.
 */
public class ReverseProxy implements AutoCloseable {

    private static final int THREADS = 8;
    private static final Duration UPSTREAM_TIMEOUT = Duration.ofSeconds(30);

    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(THREADS, runnable -> {
        Thread thread = new Thread(runnable, "surge-proxy");
        thread.setDaemon(true);
        return thread;
    });
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final String upstream;

    /** @param upstream the server's base URL */
    public ReverseProxy(String upstream, InetSocketAddress address) throws IOException {
        this(upstream, HttpServer.create(address, 0));
    }

    /** @param server bound, not started, such as an {@link HttpsServer} */
    protected ReverseProxy(String upstream, HttpServer server) {
        this.upstream = upstream.replaceAll("/+$", "");
        this.server = server;
        server.createContext("/", this::handle);
        server.setExecutor(threads);
        server.start();
    }

    /** The base URL clients use instead of the server's. */
    public String url() {
        return (server instanceof HttpsServer ? "https" : "http") + "://localhost:" + port();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * Answers the request itself, or leaves it to the server.
     *
     * @return whether it answered
     */
    protected boolean intercept(HttpExchange exchange) throws IOException {
        return false;
    }

    /** Answers with {@code status} and {@code body}; to a HEAD request, with the status alone. */
    public static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, body.length == 0 || head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (intercept(exchange)) {
                return;
            }
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(upstream + exchange.getRequestURI()))
                    .timeout(UPSTREAM_TIMEOUT)
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
            response.headers()
                    .firstValue("Content-Type")
                    .ifPresent(type -> exchange.getResponseHeaders().add("Content-Type", type));
            respond(exchange, response.statusCode(), response.body());
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
