package io.surge.embedded;

import io.surge.io.kafka.KafkaSettings;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.BrokerServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A single-node KRaft Kafka broker inside this JVM, from Kafka's own artifacts, with its data in a
 * temporary directory removed on close. Configured for transactions on one node.
 *
 * <p>Clients connect to the EXTERNAL listener, plaintext or SASL/SCRAM; the broker's own traffic (transaction markers)
 * and user administration go through an INTERNAL plaintext listener that clients are not told about.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final ListenerName INTERNAL = new ListenerName("INTERNAL");

    private final KafkaClusterTestKit cluster;
    private final KafkaSettings client;

    private EmbeddedKafka(KafkaClusterTestKit cluster, KafkaSettings client) {
        this.cluster = cluster;
        this.client = client;
    }

    /** A broker on a free port. */
    public static EmbeddedKafka start() throws Exception {
        return start(0);
    }

    /** A broker on {@code port}, or on a free one when it is 0. */
    public static EmbeddedKafka start(int port) throws Exception {
        return start(port, null, null);
    }

    /**
     * A broker that authenticates clients with SASL/SCRAM-SHA-512 and knows one user, on a free port.
     *
     * @return the broker; {@link #clientSettings()} connect as that user
     */
    public static EmbeddedKafka startWithScram(String username, String password) throws Exception {
        return start(0, username, password);
    }

    private static EmbeddedKafka start(int port, String username, String password) throws Exception {
        boolean scram = username != null;
        // fixed ports so that a restarted broker is found where it was
        int external = port != 0 ? port : FreePort.pick();
        TestKitNodes nodes = new TestKitNodes.Builder()
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
                // the test kit binds its broker listener to a port of its own choosing: make that the internal one
                .setBrokerListenerName(INTERNAL)
                .setPerServerProperties(Map.of(0, Map.of("listeners", "EXTERNAL://localhost:" + external
                        + ",INTERNAL://localhost:0,CONTROLLER://localhost:0")))
                .build();
        Map<String, String> config = new HashMap<>(Map.of(
                "listener.security.protocol.map",
                "EXTERNAL:" + (scram ? "SASL_PLAINTEXT" : "PLAINTEXT") + ",INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT"));
        if (scram) {
            config.put("listener.name.external.sasl.enabled.mechanisms", "SCRAM-SHA-512");
            // the broker checks SCRAM proofs against the credentials in its metadata; the login module needs no user
            config.put("listener.name.external.scram-sha-512.sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        }
        KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes)
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("offsets.topic.num.partitions", "4")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("transaction.state.log.num.partitions", "4")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .setConfigProp("auto.create.topics.enable", "false");
        config.forEach(builder::setConfigProp);
        KafkaClusterTestKit cluster = builder.build();
        String bootstrap = "localhost:" + external;
        KafkaSettings client = scram
                ? new KafkaSettings(bootstrap, "SASL_PLAINTEXT", "SCRAM-SHA-512", username, password)
                : KafkaSettings.plaintext(bootstrap);
        EmbeddedKafka kafka = new EmbeddedKafka(cluster, client);
        PrintStream stdout = System.out;
        try {
            // Formatting narrates each directory on stdout, which belongs to the command's own output (surge infra's
            // bootstrap= line, the demo's screen); a failure to format still surfaces as the exception it throws.
            System.setOut(new PrintStream(OutputStream.nullOutputStream()));
            try {
                cluster.format();
            } finally {
                System.setOut(stdout);
            }
            cluster.startup();
            cluster.waitForReadyBrokers();
            if (scram) {
                kafka.addScramUser(username, password);
            }
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
        return kafka;
    }

    public String bootstrapServers() {
        return client.bootstrapServers();
    }

    /** How a client connects: plaintext, or as the SCRAM user the broker was started with. */
    public KafkaSettings clientSettings() {
        return client;
    }

    /** Stops the broker, keeping its data and its KRaft controller; clients see it go away. */
    public void stopBroker() {
        broker().shutdown();
    }

    /** Starts the broker stopped by {@link #stopBroker()} again, on the same port, and waits until it serves. */
    public void startBroker() throws InterruptedException {
        broker().startup();
        awaitClients("the restarted broker");
    }

    private BrokerServer broker() {
        return cluster.brokers().values().iterator().next();
    }

    /** Creates the user through the internal listener, then waits until the client listener accepts it. */
    private void addScramUser(String username, String password) throws Exception {
        String internal = "localhost:" + broker().boundPort(INTERNAL);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, internal))) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(
                            username, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), password)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
        // the credential reaches the broker's metadata shortly after the controller commits it
        awaitClients("the SCRAM user");
    }

    private void awaitClients(String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        try (Admin admin = Admin.create(client.clientProperties(
                Map.of(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000",
                        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000")))) {
            while (true) {
                try {
                    admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                    return;
                } catch (ExecutionException | TimeoutException e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(what + ": no client gets through after 60 s", e);
                    }
                    // a refused login fails at once: poll, do not spin
                    Thread.sleep(100);
                }
            }
        }
    }


    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
