package io.surge.monitoring;

/**
 * The limits of the JDK's HTTP server, which surge's own listeners (the live map, the metrics endpoint, the web UI's
 * front) run on, where its defaults have none: a client that has not sent its whole request within
 * {@value #REQUEST_SECONDS} s is disconnected, so that slow clients cannot hold the server's threads for good. The JDK
 * reads these settings once per process, when it starts its first server, so the command line sets them as it starts;
 * a value given to the JVM ({@code -Dsun.net.httpserver.maxReqTime=...}) wins.
 */
public final class JdkHttpServers {

    static final int REQUEST_SECONDS = 10;
    private static final String MAX_REQUEST_TIME = "sun.net.httpserver.maxReqTime";

    private JdkHttpServers() {}

    /** Before any server of the process starts. */
    public static void limitRequests() {
        if (System.getProperty(MAX_REQUEST_TIME) == null) {
            System.setProperty(MAX_REQUEST_TIME, String.valueOf(REQUEST_SECONDS));
        }
    }
}
