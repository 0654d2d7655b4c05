package io.surge.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.surge.testing.stack.RawHttp;
import io.surge.testing.stack.SurgeProcess;
import io.surge.testing.stack.SurgeStack;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code surge dashboard}, a process of its own, under the clients a listener meets when it is opened: other sites'
 * pages reaching it by a name of theirs, one address opening every event stream, clients that never finish their
 * request. Spoken to over raw sockets, as such clients do.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardListenerIT {

    private static final Duration PATIENCE = Duration.ofSeconds(120);
    /** Beyond the request limit surge sets (10 s) and the period of the JDK's timer. */
    private static final int SLOW_CLIENT_DROPPED_WITHIN_MILLIS = 25_000;

    @TempDir
    static Path work;

    private SurgeStack stack;
    private SurgeProcess dashboard;
    private int port;

    @BeforeAll
    void startTheDashboard() throws Exception {
        stack = SurgeStack.start(Map.of("job.name", "dashboard"));
        dashboard = SurgeProcess.start(
                work,
                "dashboard",
                "dashboard",
                List.of(
                        "--bootstrap",
                        stack.bootstrapServers(),
                        "--registry",
                        stack.config().registry().url(),
                        "--port",
                        "0"));
        String line = dashboard.awaitLine("surge dashboard: ", PATIENCE);
        port = URI.create(line.replaceAll(".*surge dashboard: (\\S+).*", "$1")).getPort();
    }

    @AfterAll
    void stop() throws Exception {
        try (SurgeStack stopping = stack;
                SurgeProcess stopped = dashboard) {
            // both closed, the dashboard first
        }
    }

    @Test
    void answersItsOwnNamesOnlyAgainstDnsRebinding() throws Exception {
        assertThat(RawHttp.status(port, "/state", "evil.example:" + port)).isEqualTo(403);
        assertThat(RawHttp.status(port, "/state", "localhost:" + port)).isEqualTo(200);
        assertThat(RawHttp.status(port, "/state", "127.0.0.1:" + port)).isEqualTo(200);
    }

    @Test
    void oneAddressTakesItsShareOfTheEventStreamsAndAnotherStillGetsOne() throws Exception {
        List<Socket> streams = new ArrayList<>();
        try {
            int served = 0;
            for (int i = 0; i < DashboardServer.MAX_SUBSCRIBERS + 1; i++) {
                Socket stream = RawHttp.connect("127.0.0.1", port);
                streams.add(stream);
                served += RawHttp.status(RawHttp.send(stream, "/events", "localhost:" + port)) == 200 ? 1 : 0;
            }
            assertThat(served).isEqualTo(DashboardServer.MAX_SUBSCRIBERS_PER_ADDRESS);
            Socket other = RawHttp.connect("127.0.0.2", port);
            streams.add(other);
            assertThat(RawHttp.status(RawHttp.send(other, "/events", "localhost:" + port)))
                    .as("another address")
                    .isEqualTo(200);
        } finally {
            for (Socket stream : streams) {
                stream.close();
            }
        }
    }

    @Test
    void moreClientsNeverFinishingTheirRequestThanThreadsAreDroppedAndTheMapAnswersAgain() throws Exception {
        List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < DashboardServer.HANDLER_THREADS + 4; i++) {
                Socket client = RawHttp.connect("127.0.0.1", port);
                client.getOutputStream().write("GET /state HTTP/1.1\r\nHost: local".getBytes(StandardCharsets.UTF_8));
                client.getOutputStream().flush();
                slow.add(client);
            }
            for (Socket client : slow) {
                client.setSoTimeout(SLOW_CLIENT_DROPPED_WITHIN_MILLIS);
                assertThat(dropped(client))
                        .as("a client that never finished its request, dropped")
                        .isTrue();
            }
            assertThat(RawHttp.status(port, "/state", "localhost:" + port)).isEqualTo(200);
        } finally {
            for (Socket client : slow) {
                client.close();
            }
        }
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
