package io.surge.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.surge.config.ConfigException;
import io.surge.config.SurgeConfig;
import io.surge.monitoring.KnownHosts;
import io.surge.time.Clock;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live surge map: one page, and a stream of what it shows, pushed to every open page once a second as
 * server-sent events. It reads only the public result topics (read_committed, through the registry), as any consumer
 * of surge would, and the input topics' end offsets for the input rate. Read-only: it answers GET and nothing else.
 *
 * <p>Built on the JDK's own HTTP server: server-sent events need nothing more than a response that stays open. Each
 * open page has a writer thread of its own that sends it the latest view, so a page that stops reading holds up no
 * other; one whose send has not gone through within {@value #STALLED_SECONDS} s is dropped. At most
 * {@value #MAX_SUBSCRIBERS} pages are served at once, {@value #MAX_SUBSCRIBERS_PER_ADDRESS} to one address; more are
 * answered 503. When reading the topics fails, the pages say so and the log does, and the feed tries again.
 *
 * <p>Requests are answered by {@value #HANDLER_THREADS} threads; under {@code surge}, a client that is slow to send
 * its request is cut off ({@link io.surge.monitoring.JdkHttpServers}). Only requests naming this server in their
 * Host header are answered: a page of another site that has its name resolve to this machine (DNS rebinding) gets
 * 403 rather than the view.
 */
public final class DashboardServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DashboardServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PUSH_EVERY = Duration.ofSeconds(1);
    static final int MAX_SUBSCRIBERS = 64;
    static final int MAX_SUBSCRIBERS_PER_ADDRESS = 16;
    static final int STALLED_SECONDS = 10;
    static final int HANDLER_THREADS = 8;

    private final SurgeConfig config;
    private final HttpServer http;
    private final KnownHosts hosts;
    private final ExecutorService handlers =
            Executors.newFixedThreadPool(HANDLER_THREADS, daemon("surge-dashboard-http"));
    private final CityView view = new CityView(Clock.system());
    private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
    private final OutputsReader outputs;
    private final Admin admin;
    private final Thread feed;
    /** The input topics' partitions, looked up once they exist; used by the feed thread only. */
    private List<TopicPartition> inputPartitions;

    private volatile boolean closed;

    private DashboardServer(SurgeConfig config, HttpServer http, KnownHosts hosts) {
        this.config = config;
        this.http = http;
        this.hosts = hosts;
        this.outputs = new OutputsReader(
                config.kafkaJob(), "surge-dashboard-" + ProcessHandle.current().pid());
        this.admin = Admin.create(config.kafka().clientProperties(Map.of()));
        this.feed = new Thread(this::feed, "surge-dashboard-feed");
        this.feed.setDaemon(true);
    }

    /**
     * Starts serving on {@code host}:{@code port} (0 for a free port) and reading the topics.
     *
     * @param host the address to listen on: 127.0.0.1 unless the map is to be seen from other machines
     * @param names the names and addresses browsers reach it by besides {@code host} and loopback's, which their
     *     requests' Host header carries
     */
    public static DashboardServer start(SurgeConfig config, String host, int port, Collection<String> names) {
        HttpServer http;
        try {
            http = HttpServer.create(new InetSocketAddress(host, port), 0);
        } catch (IOException e) {
            throw ConfigException.cannotListen(
                    "the dashboard", host, port, e, "choose another with --dashboard-port or --port");
        }
        DashboardServer server = new DashboardServer(config, http, new KnownHosts(host, names, "--allowed-host"));
        http.setExecutor(server.handlers);
        http.createContext("/", exchange -> server.answer(exchange, server::page));
        http.createContext("/state", exchange -> server.answer(exchange, server::state));
        http.createContext("/events", exchange -> server.answer(exchange, server::subscribe));
        http.start();
        server.feed.start();
        return server;
    }

    /** Where a browser opens the map. */
    public String url() {
        return "http://" + http.getAddress().getHostString() + ":"
                + http.getAddress().getPort() + "/";
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        outputs.wakeup();
        feed.join(5_000);
        http.stop(0);
        handlers.shutdownNow();
        handlers.awaitTermination(5, TimeUnit.SECONDS);
        admin.close(Duration.ofSeconds(2));
    }

    private interface Answer {
        void answer(HttpExchange exchange) throws IOException;
    }

    private void answer(HttpExchange exchange, Answer answer) throws IOException {
        if (!hosts.admit(exchange)) {
            return;
        }
        if (!"GET".equals(exchange.getRequestMethod())) {
            exchange.getResponseHeaders().set("Allow", "GET");
            exchange.sendResponseHeaders(405, -1);
            exchange.close();
            return;
        }
        answer.answer(exchange);
    }

    private void page(HttpExchange exchange) throws IOException {
        if (!exchange.getRequestURI().getPath().equals("/")) {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
            return;
        }
        try (InputStream page = DashboardServer.class.getResourceAsStream("/dashboard/index.html")) {
            send(exchange, "text/html; charset=utf-8", page.readAllBytes());
        }
    }

    private void state(HttpExchange exchange) throws IOException {
        send(exchange, "application/json", JSON.writeValueAsBytes(view.snapshot()));
    }

    private void subscribe(HttpExchange exchange) throws IOException {
        Subscriber subscriber;
        // pages are admitted by several handler threads at once: the limit holds only if counting and adding are one
        synchronized (subscribers) {
            InetAddress address = exchange.getRemoteAddress().getAddress();
            if (subscribers.size() >= MAX_SUBSCRIBERS
                    || subscribers.stream()
                                    .filter(page -> page.address().equals(address))
                                    .count()
                            >= MAX_SUBSCRIBERS_PER_ADDRESS) {
                exchange.sendResponseHeaders(503, -1);
                exchange.close();
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
            exchange.getResponseHeaders().set("Cache-Control", "no-cache");
            exchange.sendResponseHeaders(200, 0);
            subscriber = new Subscriber(exchange);
            subscribers.add(subscriber);
        }
        subscriber.offer(JSON.writeValueAsBytes(view.snapshot()));
    }

    /** How many pages it serves now. */
    int pagesServed() {
        return subscribers.size();
    }

    /**
     * One open page and the thread that writes to it: the latest view waits in a one-place mailbox, so a page that
     * reads slowly skips views instead of queueing them.
     */
    private final class Subscriber {
        private final HttpExchange exchange;
        private final AtomicReference<byte[]> latest = new AtomicReference<>();
        private final Thread writer;
        /** When the send in progress began, in nanoseconds; 0 while none is. */
        private volatile long sendingSince;

        Subscriber(HttpExchange exchange) {
            this.exchange = exchange;
            this.writer = new Thread(this::write, "surge-dashboard-page");
            this.writer.setDaemon(true);
            this.writer.start();
        }

        InetAddress address() {
            return exchange.getRemoteAddress().getAddress();
        }

        void offer(byte[] snapshot) {
            latest.set(snapshot);
            LockSupport.unpark(writer);
        }

        boolean stalled(long now) {
            long since = sendingSince;
            return since != 0 && now - since > TimeUnit.SECONDS.toNanos(STALLED_SECONDS);
        }

        /** Ends the page's stream; interrupting a send closes its socket (the JDK server's channels are interruptible). */
        void drop() {
            subscribers.remove(this);
            writer.interrupt();
        }

        private void write() {
            OutputStream stream = exchange.getResponseBody();
            try {
                while (!closed && !Thread.currentThread().isInterrupted()) {
                    byte[] snapshot = latest.getAndSet(null);
                    if (snapshot == null) {
                        LockSupport.park(this);
                        continue;
                    }
                    sendingSince = System.nanoTime();
                    push(stream, snapshot);
                    sendingSince = 0;
                }
            } catch (IOException e) {
                // the page was closed, or dropped as stalled
            } finally {
                subscribers.remove(this);
                exchange.close();
            }
        }
    }

    private static void send(HttpExchange exchange, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /**
     * Reads the topics; once a second samples the input offsets and offers the view to every open page, dropping
     * pages that have stopped reading. A failure to read is shown and logged, then tried again a second later.
     */
    private void feed() {
        long nextPush = 0;
        String failing = null;
        try {
            while (!closed) {
                try {
                    outputs.poll(Duration.ofMillis(200), view::take, view::take);
                    if (failing != null) {
                        LOG.info("dashboard reads the result topics again");
                        failing = null;
                        view.feedError(null);
                    }
                } catch (WakeupException e) {
                    throw e;
                } catch (RuntimeException e) {
                    if (failing == null) {
                        LOG.warn("dashboard cannot read the result topics; the page shows it and it tries again", e);
                    }
                    failing = e.toString();
                    view.feedError("cannot read the result topics: " + failing);
                    sleepQuietly(PUSH_EVERY);
                }
                if (System.currentTimeMillis() >= nextPush) {
                    long inputRecords = inputRecords();
                    if (inputRecords >= 0) {
                        view.inputRecords(inputRecords, System.currentTimeMillis());
                    }
                    byte[] snapshot = JSON.writeValueAsBytes(view.snapshot());
                    long now = System.nanoTime();
                    for (Subscriber subscriber : subscribers) {
                        if (subscriber.stalled(now)) {
                            LOG.info("dashboard drops a page that stopped reading for {} s", STALLED_SECONDS);
                            subscriber.drop();
                        } else {
                            subscriber.offer(snapshot);
                        }
                    }
                    nextPush = System.currentTimeMillis() + PUSH_EVERY.toMillis();
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            outputs.close();
            subscribers.forEach(Subscriber::drop);
        }
    }

    private static void sleepQuietly(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void push(OutputStream stream, byte[] snapshot) throws IOException {
        stream.write("data: ".getBytes(StandardCharsets.UTF_8));
        stream.write(snapshot);
        stream.write("\n\n".getBytes(StandardCharsets.UTF_8));
        stream.flush();
    }

    /** All records written to the input topics so far: the sum of their partitions' end offsets; -1 if unknown. */
    private long inputRecords() {
        try {
            if (inputPartitions == null) {
                inputPartitions = admin
                        .describeTopics(List.of(
                                config.topics().rideRequests(), config.topics().driverStatus()))
                        .allTopicNames()
                        .get(2, TimeUnit.SECONDS)
                        .values()
                        .stream()
                        .flatMap(topic -> topic.partitions().stream()
                                .map(partition -> new TopicPartition(topic.name(), partition.partition())))
                        .toList();
            }
            Map<TopicPartition, OffsetSpec> ends = inputPartitions.stream()
                    .collect(Collectors.toMap(partition -> partition, partition -> OffsetSpec.latest()));
            return admin.listOffsets(ends).all().get(2, TimeUnit.SECONDS).values().stream()
                    .mapToLong(info -> info.offset())
                    .sum();
        } catch (Exception e) {
            return -1;
        }
    }

    private static ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
