package io.surge.monitoring;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.configuration.WebOptions;

/**
 * Flink's web UI and REST API as {@code surge run} and {@code surge demo} publish them: to be watched, not driven.
 * Flink's switches take the upload and cancel buttons out of its UI, but its REST API still cancels the job on a
 * {@code PATCH} whatever {@code web.cancel.enable} says, and takes savepoints into any directory it is given. So the
 * in-process Flink serves on a loopback port of its own, and this front, on the address the operator chose, passes on
 * GET requests without a body naming a host it knows ({@link KnownHosts}), except the GETs with which Flink cancels
 * a job for YARN's proxy, and refuses everything else. Flink's answers reach the
 * browser without Flink's cross-origin header, so that no other site's page can read them.
 */
public final class ReadOnlyWebUi extends ReverseProxy {

    private final KnownHosts hosts;

    /**
     * What the in-process Flink behind this front listens on: loopback only, its web UI and REST API on {@code port}
     * and its blob server, which the job's tasks fetch code from. Off as well, for whoever reaches the port directly:
     * the UI's jar upload, cancel and rescale buttons, and reads by other sites' pages (Flink allows every origin by
     * default).
     */
    public static void closeFlinksListeners(Configuration flink, int port) {
        flink.set(JobManagerOptions.BIND_HOST, "127.0.0.1");
        flink.set(TaskManagerOptions.BIND_HOST, "127.0.0.1");
        flink.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        flink.set(RestOptions.PORT, port);
        flink.set(WebOptions.SUBMIT_ENABLE, false);
        flink.set(WebOptions.CANCEL_ENABLE, false);
        flink.set(WebOptions.RESCALE_ENABLE, false);
        flink.set(WebOptions.ACCESS_CONTROL_ALLOW_ORIGIN, "http://localhost:" + port);
    }

    /**
     * @param flinkPort where the in-process Flink serves, on 127.0.0.1
     * @param names the names browsers reach it by besides {@code host} and loopback's
     */
    public ReadOnlyWebUi(int flinkPort, String host, int port, Collection<String> names) throws IOException {
        super("http://127.0.0.1:" + flinkPort, new InetSocketAddress(host, port));
        this.hosts = new KnownHosts(host, names, "--rest-allowed-host");
    }

    @Override
    protected boolean intercept(HttpExchange exchange) throws IOException {
        if (!hosts.admit(exchange)) {
            return true;
        }
        String refused = refusal(exchange);
        if (refused == null) {
            return false;
        }
        exchange.getResponseHeaders().set("Allow", "GET");
        respond(
                exchange,
                405,
                ("surge serves Flink's web UI and REST API read-only: " + refused + " is refused."
                                + " Stop the job by stopping surge (Ctrl-C, SIGTERM); it resumes from its checkpoints when started"
                                + " again.\n")
                        .getBytes(StandardCharsets.UTF_8));
        return true;
    }

    /** What in the request would change the job, or null for a read. */
    private static String refusal(HttpExchange exchange) {
        String method = exchange.getRequestMethod();
        if (!method.equals("GET")) {
            return method;
        }
        // a read has no body: one could only be meant to make the front buffer it
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        if (exchange.getRequestHeaders().containsKey("Transfer-Encoding") || length != null && !length.equals("0")) {
            return "a GET with a body";
        }
        // Flink cancels and stops a job on these GETs (made for YARN's proxy), whatever web.cancel.enable says
        String path = exchange.getRequestURI().getPath();
        if (path.endsWith("/yarn-cancel") || path.endsWith("/yarn-stop")) {
            return "GET " + path;
        }
        return null;
    }
}
