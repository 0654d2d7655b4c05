package io.surge.cli;

/** How to reach a server of the command's from this machine. */
final class Listening {

    private Listening() {}

    /** {@code http://localhost:PORT} where it listens on loopback or every interface, else its own address. */
    static String url(String host, int port) {
        boolean local = host.equals("0.0.0.0")
                || host.equals("::")
                || host.startsWith("127.")
                || host.equals("::1")
                || host.equals("localhost");
        return "http://" + (local ? "localhost" : host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
