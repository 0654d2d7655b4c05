package io.surge.monitoring;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;

/**
 * The JDK's HTTP server, which surge's own listeners (the live map, the metrics endpoint) run on, with the limits its
 * defaults lack: a client that has not sent its whole request within {@value #REQUEST_SECONDS} s is disconnected,
 * as is a connection idle for {@value #IDLE_SECONDS} s, so that slow or silent clients cannot hold the server's
 * threads. The JDK reads these settings once per process, when it starts its first server: every server surge starts
 * goes through here, and a value set on the command line ({@code -Dsun.net.httpserver.maxReqTime=...}) wins.
 */
public final class JdkHttpServers {

    static final int REQUEST_SECONDS = 10;
    static final int IDLE_SECONDS = 30;
    private static final Map<String, String> LIMITS = Map.of(
            "sun.net.httpserver.maxReqTime", String.valueOf(REQUEST_SECONDS),
            "sun.net.httpserver.idleInterval", String.valueOf(IDLE_SECONDS));

    private JdkHttpServers() {}

    public static HttpServer create(InetSocketAddress address) throws IOException {
        LIMITS.forEach((key, value) -> {
            if (System.getProperty(key) == null) {
                System.setProperty(key, value);
            }
        });
        return HttpServer.create(address, 0);
    }
}
