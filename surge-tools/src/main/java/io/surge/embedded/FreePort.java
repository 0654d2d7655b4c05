package io.surge.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/** A local port that nothing listens on right now, for a service about to bind it. */
public final class FreePort {

    private FreePort() {}

    public static int pick() {
        return distinct(1)[0];
    }

    /**
     * Ports for one service's listeners, each different from the others and from {@code taken}: picked one at a time,
     * the system may hand out a port again once its socket is closed, so all stay bound until every one is chosen.
     */
    public static int[] distinct(int count, int... taken) {
        List<ServerSocket> held = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int found = 0; found < count; ) {
                ServerSocket socket = new ServerSocket(0);
                held.add(socket);
                int port = socket.getLocalPort();
                if (IntStream.of(taken).noneMatch(other -> other == port)) {
                    ports[found++] = port;
                }
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("no free local port", e);
        } finally {
            for (ServerSocket socket : held) {
                try {
                    socket.close();
                } catch (IOException e) {
                    // a socket that was only bound to learn its port; nothing depends on closing it cleanly
                }
            }
        }
    }
}
