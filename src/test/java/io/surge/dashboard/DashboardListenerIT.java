package io.surge.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.surge.testing.SurgeProcess;
import io.surge.testing.SurgeStack;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code surge dashboard}, a process of its own, under the clients a listener meets when it is opened: other sites'
 * pages reaching it by a name of theirs, one address opening every event stream, clients that never finish their
 * request. Spoken to over raw sockets, as such clients do.
 */
class DashboardListenerIT {

    private static final Duration PATIENCE = Duration.ofSeconds(120);
    /** Beyond the server's request limit (10 s) and its timer's period. */
    private static final int SLOW_CLIENT_DROPPED_WITHIN_MILLIS = 25_000;

    @TempDir
    Path work;

    @Test
    void refusesForeignHostsSharesEventStreamsAmongAddressesAndDropsSlowClients() throws Exception {
        try (SurgeStack stack = SurgeStack.start(Map.of("job.name", "dashboard"));
                SurgeProcess dashboard = SurgeProcess.start(work, "dashboard", "dashboard", List.of(
                        "--bootstrap", stack.bootstrapServers(), "--registry", stack.config().registry().url(),
                        "--port", "0"))) {
            String line = dashboard.awaitLine("surge dashboard: ", PATIENCE);
            int port = URI.create(line.replaceAll(".*surge dashboard: (\\S+).*", "$1")).getPort();

            // DNS rebinding: another site's name, resolving to this machine
            assertThat(status(port, "/state", "evil.example:" + port)).isEqualTo(403);
            assertThat(status(port, "/state", "localhost:" + port)).isEqualTo(200);
            assertThat(status(port, "/state", "127.0.0.1:" + port)).isEqualTo(200);

            // one address takes its share of the event streams; another still gets one
            List<Socket> streams = new ArrayList<>();
            try {
                int served = 0;
                for (int i = 0; i < DashboardServer.MAX_SUBSCRIBERS + 1; i++) {
                    Socket stream = connect("127.0.0.1", port);
                    streams.add(stream);
                    served += statusOf(send(stream, "/events", "localhost:" + port)) == 200 ? 1 : 0;
                }
                assertThat(served).isEqualTo(DashboardServer.MAX_SUBSCRIBERS_PER_ADDRESS);
                Socket other = connect("127.0.0.2", port);
                streams.add(other);
                assertThat(statusOf(send(other, "/events", "localhost:" + port))).as("another address").isEqualTo(200);
            } finally {
                for (Socket stream : streams) {
                    stream.close();
                }
            }

            // more slow clients than the server has threads: each is cut off, and the map answers again
            List<Socket> slow = new ArrayList<>();
            try {
                for (int i = 0; i < 12; i++) {
                    Socket client = connect("127.0.0.1", port);
                    client.getOutputStream()
                            .write("GET /state HTTP/1.1\r\nHost: local".getBytes(StandardCharsets.UTF_8));
                    client.getOutputStream().flush();
                    slow.add(client);
                }
                for (Socket client : slow) {
                    client.setSoTimeout(SLOW_CLIENT_DROPPED_WITHIN_MILLIS);
                    assertThat(dropped(client)).as("a client that never finished its request, dropped").isTrue();
                }
                assertThat(status(port, "/state", "localhost:" + port)).isEqualTo(200);
            } finally {
                for (Socket client : slow) {
                    client.close();
                }
            }
        }
    }

    private static Socket connect(String from, int port) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(from, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(30_000);
        return socket;
    }

    private static int status(int port, String path, String host) throws IOException {
        try (Socket socket = connect("127.0.0.1", port)) {
            return statusOf(send(socket, path, host));
        }
    }

    /** Sends a GET and returns the status line of the answer. */
    private static String send(Socket socket, String path, String host) throws IOException {
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

    private static int statusOf(String statusLine) {
        assertThat(statusLine).as("a status line").startsWith("HTTP/1.1 ");
        return Integer.parseInt(statusLine.split(" ")[1]);
    }

    /** Whether the server closed the connection (rather than leaving it open past the socket's timeout). */
    private static boolean dropped(Socket client) throws IOException {
        try {
            return client.getInputStream().read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }
}
