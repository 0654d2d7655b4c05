package io.surge.testing.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/1.1 over a plain socket, as the clients a listener must stand do it: with any Host header (which the JDK's
 * client will not send), from a chosen loopback address, or never finishing a request.
 */
public final class RawHttp {

    private RawHttp() {}

    /** A connection to {@code port} on 127.0.0.1 from {@code from} (any 127.x address), reading with a 30 s timeout. */
    public static Socket connect(String from, int port) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(from, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(30_000);
        return socket;
    }

    /** The status of {@code GET path} with {@code host} as its Host header, on a connection of its own. */
    public static int status(int port, String path, String host) throws IOException {
        try (Socket socket = connect("127.0.0.1", port)) {
            return status(send(socket, path, host));
        }
    }

    /** Sends {@code GET path} and returns the status line of the answer, leaving the rest unread. */
    public static String send(Socket socket, String path, String host) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != -1 && b != '\n'; b = in.read()) {
            line.write(b);
        }
        return line.toString(StandardCharsets.US_ASCII).trim();
    }

    public static int status(String statusLine) {
        assertThat(statusLine).as("a status line").startsWith("HTTP/1.1 ");
        return Integer.parseInt(statusLine.split(" ")[1]);
    }
}
