package io.surge.embedded;

import io.surge.io.TlsStores;
import io.surge.io.kafka.KafkaSettings;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.flink.util.FileUtils;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A single-node KRaft Kafka broker (broker and controller in one {@link KafkaRaftServer}, as {@code kafka-server-start}
 * runs it) inside this JVM, configured for transactions on one node. Its log directory is either a temporary one,
 * removed on close, or one that outlives the process: formatted once with a new cluster id, then reopened as it is,
 * so that topics, offsets, transactions and the cluster id survive a restart.
 *
 * <p>Clients connect to the EXTERNAL listener, plaintext or TLS, with or without SASL/SCRAM; the broker's own traffic (transaction markers)
 * and user administration go through an INTERNAL plaintext listener that clients are not told about.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final int NODE_ID = 1;
    private static final String META_PROPERTIES = "meta.properties";

    private final Map<String, String> serverProperties;
    private final Path logDirectory;
    private final boolean temporary;
    private final int internalPort;
    private final KafkaSettings client;
    private KafkaRaftServer server;

    private EmbeddedKafka(
            Map<String, String> serverProperties,
            Path logDirectory,
            boolean temporary,
            int internalPort,
            KafkaSettings client) {
        this.serverProperties = serverProperties;
        this.logDirectory = logDirectory;
        this.temporary = temporary;
        this.internalPort = internalPort;
        this.client = client;
    }

    /** A broker on a free port, its data in a temporary directory. */
    public static EmbeddedKafka start() throws Exception {
        return start(0, null);
    }

    /**
     * A broker on {@code port}, or on a free one when it is 0.
     *
     * @param logDirectory where its data lives and stays after close; null for a temporary directory
     */
    public static EmbeddedKafka start(int port, Path logDirectory) throws Exception {
        return start(port, logDirectory, null, null, false, null, TlsStores.JVM_DEFAULTS);
    }

    /**
     * A broker that authenticates clients with SASL/SCRAM-SHA-512 and knows one user, on a free port.
     *
     * @return the broker; {@link #clientSettings()} connect as that user
     */
    public static EmbeddedKafka startWithScram(String username, String password) throws Exception {
        return start(0, null, username, password, false, null, TlsStores.JVM_DEFAULTS);
    }

    /**
     * The same, with Kafka's ACL authorizer on: the user it starts with may do anything, users added with {@link
     * #addUser} only what {@link #allow} grants them.
     */
    public static EmbeddedKafka startWithAcls(String username, String password) throws Exception {
        // without it, the super user would be "null", and every client one
        Objects.requireNonNull(username, "username");
        return start(0, null, username, password, true, null, TlsStores.JVM_DEFAULTS);
    }

    /**
     * The broker's side of TLS on its client listener.
     *
     * @param keyStore the broker's key and certificate
     * @param trustStore the CAs whose client certificates it accepts, requiring one; null to ask for none
     * @param password opens both stores and the key
     */
    public record BrokerTls(String keyStore, String trustStore, String password) {
        @Override
        public String toString() {
            return "BrokerTls[keyStore=" + keyStore + ", trustStore=" + trustStore + ", password=***]";
        }
    }

    /**
     * A broker whose client listener speaks TLS, on a free port.
     *
     * @param client the stores its {@link #clientSettings()} connect with
     * @param username with its password, a SCRAM user the broker knows and requires (SASL_SSL); null for SSL alone
     */
    public static EmbeddedKafka startWithTls(BrokerTls tls, TlsStores client, String username, String password)
            throws Exception {
        return start(0, null, username, password, false, tls, client);
    }

    private static EmbeddedKafka start(
            int port,
            Path logDirectory,
            String username,
            String password,
            boolean authorize,
            BrokerTls tls,
            TlsStores clientStores)
            throws Exception {
        boolean scram = username != null;
        String protocol = (scram ? "SASL_" : "") + (tls != null ? "SSL" : "PLAINTEXT");
        boolean temporary = logDirectory == null;
        Path directory = temporary ? Files.createTempDirectory("surge-kafka-") : logDirectory;
        // fixed ports, so that a restarted node is found where it was, by clients and by itself as controller
        int[] picked = port != 0 ? FreePort.distinct(2, port) : FreePort.distinct(3);
        int internal = picked[0];
        int controller = picked[1];
        int external = port != 0 ? port : picked[2];
        Map<String, String> config = new HashMap<>();
        config.put("process.roles", "broker,controller");
        config.put("node.id", String.valueOf(NODE_ID));
        config.put("controller.quorum.voters", NODE_ID + "@localhost:" + controller);
        config.put("controller.listener.names", "CONTROLLER");
        config.put("inter.broker.listener.name", "INTERNAL");
        config.put(
                "listeners",
                "EXTERNAL://localhost:" + external + ",INTERNAL://localhost:" + internal + ",CONTROLLER://localhost:"
                        + controller);
        config.put("advertised.listeners", "EXTERNAL://localhost:" + external + ",INTERNAL://localhost:" + internal);
        config.put(
                "listener.security.protocol.map", "EXTERNAL:" + protocol + ",INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT");
        config.put("log.dirs", directory.toAbsolutePath().toString());
        config.put("offsets.topic.replication.factor", "1");
        config.put("offsets.topic.num.partitions", "4");
        config.put("transaction.state.log.replication.factor", "1");
        config.put("transaction.state.log.min.isr", "1");
        config.put("transaction.state.log.num.partitions", "4");
        config.put("share.coordinator.state.topic.replication.factor", "1");
        config.put("share.coordinator.state.topic.min.isr", "1");
        config.put("group.initial.rebalance.delay.ms", "0");
        config.put("auto.create.topics.enable", "false");
        // the log cleaner's default 128 MiB offset map is sized for production brokers, not one inside a tool
        config.put("log.cleaner.dedupe.buffer.size", String.valueOf(2 * 1024 * 1024));
        if (scram) {
            config.put("listener.name.external.sasl.enabled.mechanisms", "SCRAM-SHA-512");
            // the broker checks SCRAM proofs against the credentials in its metadata; the login module needs no user
            config.put(
                    "listener.name.external.scram-sha-512.sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        }
        if (tls != null) {
            config.put("listener.name.external.ssl.keystore.location", tls.keyStore());
            config.put("listener.name.external.ssl.keystore.password", tls.password());
            config.put("listener.name.external.ssl.key.password", tls.password());
            if (tls.trustStore() != null) {
                config.put("listener.name.external.ssl.truststore.location", tls.trustStore());
                config.put("listener.name.external.ssl.truststore.password", tls.password());
                config.put("listener.name.external.ssl.client.auth", "required");
            }
        }
        if (authorize) {
            config.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
            // the broker's own listeners (controller, transaction markers, user administration) are plaintext
            config.put("super.users", "User:ANONYMOUS;User:" + username);
        }
        String bootstrap = "localhost:" + external;
        KafkaSettings client =
                new KafkaSettings(bootstrap, protocol, "SCRAM-SHA-512", username, password, clientStores);
        EmbeddedKafka kafka = new EmbeddedKafka(Map.copyOf(config), directory, temporary, internal, client);
        try {
            kafka.formatOnce();
            kafka.startServer();
            if (scram) {
                kafka.addUser(username, password);
            }
        } catch (Exception e) {
            kafka.close();
            throw e;
        }
        return kafka;
    }

    public String bootstrapServers() {
        return client.bootstrapServers();
    }

    /** How a client connects: with the protocol and stores the broker was started with, as its SCRAM user if any. */
    public KafkaSettings clientSettings() {
        return client;
    }

    /**
     * Stops the node, as a broker restart does (clients see it go away, open transactions stay open), and starts it
     * again on the same ports and data; returns once it serves clients.
     */
    public synchronized void restart() throws InterruptedException {
        stopServer();
        startServer();
    }

    /** A new log directory gets a cluster id of its own; one formatted before keeps its own. */
    private void formatOnce() throws Exception {
        if (Files.exists(logDirectory.resolve(META_PROPERTIES))) {
            return;
        }
        Files.createDirectories(logDirectory);
        String directory = logDirectory.toAbsolutePath().toString();
        new Formatter()
                // formatting narrates each directory; stdout belongs to the command's own output (surge infra's
                // bootstrap= line, the demo's screen), and a failure still surfaces as the exception it throws
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setNodeId(NODE_ID)
                .setClusterId(Uuid.randomUuid().toString())
                .setDirectories(List.of(directory))
                .setMetadataLogDirectory(directory)
                .setControllerListenerName("CONTROLLER")
                .setReleaseVersion(MetadataVersion.latestProduction())
                .run();
    }

    private synchronized void startServer() throws InterruptedException {
        KafkaRaftServer started = new KafkaRaftServer(new KafkaConfig(serverProperties, false), Time.SYSTEM);
        server = started;
        started.startup();
        // through the internal listener: a SCRAM user may not exist yet
        awaitClients("the broker", Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:" + internalPort));
    }

    private synchronized void stopServer() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
    }

    /**
     * Creates a SCRAM user through the internal listener, then waits until the client listener accepts it.
     *
     * @return how that user connects
     */
    public KafkaSettings addUser(String username, String password) throws Exception {
        try (Admin admin = internalAdmin()) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(
                            username, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), password)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
        KafkaSettings user = client.as(username, password);
        // the credential reaches the broker's metadata shortly after the controller commits it
        awaitClients("the SCRAM user", user.clientProperties());
        return user;
    }

    /**
     * Grants what the bindings say, on a broker started {@link #startWithAcls with ACLs}; returns once the broker
     * applies them.
     */
    public void allow(AclBinding... bindings) throws Exception {
        try (Admin admin = internalAdmin()) {
            admin.createAcls(List.of(bindings)).all().get(30, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            // the controller has committed them; the broker answers from its own copy of the metadata
            while (!admin.describeAcls(AclBindingFilter.ANY)
                    .values()
                    .get(30, TimeUnit.SECONDS)
                    .containsAll(List.of(bindings))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the broker did not apply the ACLs within 30 s");
                }
                Thread.sleep(50);
            }
        }
    }

    private Admin internalAdmin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:" + internalPort));
    }

    /** Waits until a client with these properties sees the broker in the cluster, as it does once it is unfenced. */
    private static void awaitClients(String what, Map<String, Object> clientProperties) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Map<String, Object> properties = new HashMap<>(clientProperties);
        properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
        properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        try (Admin admin = Admin.create(properties)) {
            while (true) {
                try {
                    if (!admin.describeCluster()
                            .nodes()
                            .get(5, TimeUnit.SECONDS)
                            .isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(what + ": no client gets through after 60 s", e);
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(what + ": not in the cluster after 60 s");
                }
                // a refused login fails at once: poll, do not spin
                Thread.sleep(100);
            }
        }
    }

    @Override
    public void close() throws IOException {
        stopServer();
        if (temporary) {
            FileUtils.deleteDirectory(logDirectory.toFile());
        }
    }
}
