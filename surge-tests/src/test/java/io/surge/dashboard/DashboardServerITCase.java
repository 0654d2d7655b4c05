package io.surge.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.surge.avro.SurgeMultiplier;
import io.surge.config.SurgeConfig;
import io.surge.io.registry.SchemaRegistryClient;
import io.surge.testing.WireRecords;
import io.surge.testing.stack.KafkaClients;
import io.surge.testing.stack.SurgeStack;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's server with pages that misbehave: one that stops reading while the views it is sent are large, and
 * more pages than it serves at once. A page that reads must keep getting a view every second throughout.
 */
@Tag("slow")
class DashboardServerITCase {

    /** Enough zones that every view is a few megabytes: a page that does not read fills its socket in seconds. */
    private static final int ZONES = 12_000;

    @Test
    void aPageThatStopsReadingHoldsUpNoOtherAndTooManyPagesAreTurnedAway() throws Exception {
        try (SurgeStack stack = SurgeStack.start(Map.of("job.name", "dashboard"))) {
            SurgeConfig config = stack.config();
            writeResults(stack);
            try (DashboardServer dashboard = DashboardServer.start(config, "127.0.0.1", 0, List.of())) {
                URI events = URI.create(dashboard.url() + "events");
                AtomicInteger viewsOfHealthyPage = new AtomicInteger();
                List<Socket> stalled = new ArrayList<>();
                try {
                    stalled.add(stalledPage(events));
                    CompletableFuture<Void> healthy =
                            CompletableFuture.runAsync(() -> read(events, viewsOfHealthyPage));
                    // views of a few megabytes, one a second: the stalled page's socket is full within seconds, and
                    // a server writing to every page in turn would stop here
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                    while (viewsOfHealthyPage.get() < 15 && System.nanoTime() < deadline) {
                        Thread.sleep(200);
                    }
                    assertThat(viewsOfHealthyPage.get())
                            .as("views the reading page got in 60 s")
                            .isGreaterThanOrEqualTo(15);
                    assertThat(healthy).isNotDone();

                    List<Integer> statuses = new ArrayList<>();
                    int mostServed = 0;
                    for (int page = 0; page < DashboardServer.MAX_SUBSCRIBERS + 5; page++) {
                        Socket socket = stalledPage(events);
                        stalled.add(socket);
                        statuses.add(status(socket));
                        mostServed = Math.max(mostServed, dashboard.pagesServed());
                    }
                    assertThat(statuses)
                            .as("pages past the limit are turned away")
                            .contains(503);
                    // counted as the server holds them: on a slow machine the first of these stalled pages are dropped
                    // before the last are opened, and their places are given to new ones
                    assertThat(mostServed)
                            .as("pages served at once")
                            .isLessThanOrEqualTo(DashboardServer.MAX_SUBSCRIBERS);
                } finally {
                    for (Socket socket : stalled) {
                        socket.close();
                    }
                }
            }
        }
    }

    private static void writeResults(SurgeStack stack) {
        SurgeConfig config = stack.config();
        int schemaId = new SchemaRegistryClient(config.registry())
                .register(config.topics().multipliers() + "-value", SurgeMultiplier.getClassSchema());
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(stack.bootstrapServers())) {
            for (int zone = 0; zone < ZONES; zone++) {
                SurgeMultiplier result = SurgeMultiplier.newBuilder()
                        .setZoneId("zone_" + (4000 + zone / 100) + "_-" + (7400 + zone % 100))
                        .setWindowStart(Instant.ofEpochMilli(0))
                        .setWindowEnd(Instant.ofEpochMilli(30_000))
                        .setDemand(3)
                        .setSupply(2)
                        .setMultiplier(1.5)
                        .setComputedAt(Instant.ofEpochMilli(30_100))
                        .build();
                producer.send(new ProducerRecord<>(
                        config.topics().multipliers(),
                        result.getZoneId().getBytes(StandardCharsets.UTF_8),
                        WireRecords.encode(schemaId, result.getSchema(), result)));
            }
        }
    }

    /** Opens the event stream and never reads from it, with as small a receive buffer as the system allows. */
    private static Socket stalledPage(URI events) throws Exception {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(1024);
        socket.connect(new InetSocketAddress(events.getHost(), events.getPort()), 2_000);
        socket.getOutputStream()
                .write(("GET " + events.getPath() + " HTTP/1.1\r\nHost: " + events.getHost() + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return socket;
    }

    /** The HTTP status of a page's answer, read byte by byte so nothing past the status line is taken. */
    private static int status(Socket socket) throws Exception {
        socket.setSoTimeout(10_000);
        StringBuilder line = new StringBuilder();
        InputStream in = socket.getInputStream();
        for (int b = in.read(); b != '\n' && b != -1; b = in.read()) {
            line.append((char) b);
        }
        return Integer.parseInt(line.toString().split(" ")[1]);
    }

    /** Reads server-sent events, counting the views. */
    private static void read(URI events, AtomicInteger views) {
        try (Socket socket = new Socket(events.getHost(), events.getPort())) {
            socket.getOutputStream()
                    .write(("GET " + events.getPath() + " HTTP/1.1\r\nHost: " + events.getHost() + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 20);
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.startsWith("data: ")) {
                    views.incrementAndGet();
                }
            }
        } catch (Exception e) {
            // the server closed the page when the test ended
        }
    }
}
