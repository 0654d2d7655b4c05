package io.surge.testing.stack;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.surge.io.TlsStores;
import io.surge.monitoring.ReverseProxy;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Deque;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLParameters;

/**
 * Puts a registry behind HTTP basic auth, over HTTP or HTTPS, as a reverse proxy in front of it does in production: requests without the
 * right credentials get 401, the others are passed on unchanged to the real registry. Like a proxy in trouble, it can
 * answer the next requests for schemas by id with a status of its own (a timeout, a redirect), and its password can
 * be rotated.
 */
public final class BasicAuthGateway extends ReverseProxy {

    private volatile String expected;
    private final Deque<Integer> failures = new ConcurrentLinkedDeque<>();
    private final AtomicInteger refused = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();

    /** @param upstream the registry's base URL */
    public BasicAuthGateway(String upstream, String username, String password) throws IOException {
        this(upstream, username, password, HttpServer.create(new InetSocketAddress("localhost", 0), 0));
    }

    private BasicAuthGateway(String upstream, String username, String password, HttpServer server) {
        super(upstream, server);
        rotate(username, password);
    }

    /**
     * The same over HTTPS, as a TLS-terminating proxy: it shows the certificate in {@code tls}'s key store and, with
     * {@code clientCertificates}, accepts only clients whose certificate a CA in {@code tls}'s trust store signed.
     */
    public static BasicAuthGateway overTls(
            String upstream, String username, String password, TlsStores tls, boolean clientCertificates)
            throws IOException, GeneralSecurityException {
        HttpsServer server = HttpsServer.create(new InetSocketAddress("localhost", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls.sslContext()) {
            @Override
            public void configure(HttpsParameters parameters) {
                SSLParameters ssl = getSSLContext().getDefaultSSLParameters();
                ssl.setNeedClientAuth(clientCertificates);
                parameters.setSSLParameters(ssl);
            }
        });
        return new BasicAuthGateway(upstream, username, password, server);
    }

    /** From now on, only these credentials pass. */
    public void rotate(String username, String password) {
        expected = "Basic "
                + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
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

    @Override
    protected boolean intercept(HttpExchange exchange) throws IOException {
        Integer failure = exchange.getRequestURI().getPath().startsWith("/schemas/ids/") ? failures.poll() : null;
        if (failure != null) {
            failed.incrementAndGet();
            exchange.getResponseHeaders().add("Location", url() + exchange.getRequestURI());
            respond(exchange, failure, ("{\"message\":\"the proxy answers " + failure + "\"}").getBytes());
            return true;
        }
        if (!expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            refused.incrementAndGet();
            exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"registry\"");
            respond(exchange, 401, "{\"error_code\":401,\"message\":\"Unauthorized\"}".getBytes());
            return true;
        }
        return false;
    }
}
