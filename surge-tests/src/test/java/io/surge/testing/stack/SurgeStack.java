package io.surge.testing.stack;

import io.surge.avro.DriverStatus;
import io.surge.avro.RideRequest;
import io.surge.config.SurgeConfig;
import io.surge.embedded.EmbeddedKafka;
import io.surge.embedded.EmbeddedRegistry;
import io.surge.ingest.Input;
import io.surge.io.TlsStores;
import io.surge.io.kafka.TopicSetup;
import io.surge.io.registry.SchemaRegistryClient;
import io.surge.testing.TestCertificates;
import io.surge.testing.WireRecords;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;

/**
 * A fresh embedded broker and registry for one test job, or a broker and registry running elsewhere: surge's topics
 * created, the input schemas registered the way producers register them, and a configuration pointing at both.
 */
public final class SurgeStack implements AutoCloseable {

    private final EmbeddedKafka kafka;
    private final EmbeddedRegistry registry;
    private final BasicAuthGateway gateway;
    private final SurgeConfig config;
    private final Map<String, Integer> inputSchemaIds;

    private SurgeStack(
            EmbeddedKafka kafka,
            EmbeddedRegistry registry,
            BasicAuthGateway gateway,
            SurgeConfig config,
            Map<String, Integer> ids) {
        this.kafka = kafka;
        this.registry = registry;
        this.gateway = gateway;
        this.config = config;
        this.inputSchemaIds = ids;
    }

    /** Credentials of a broker that requires SASL/SCRAM and of a registry behind basic auth. */
    public record Credentials(String kafkaUser, String kafkaPassword, String registryUser, String registryPassword) {}

    /** @param options job options over the connection settings, e.g. the job name and checkpoint interval */
    public static SurgeStack start(Map<String, String> options) throws Exception {
        return start(options, null);
    }

    /** @param credentials null for a plaintext broker and an open registry */
    public static SurgeStack start(Map<String, String> options, Credentials credentials) throws Exception {
        return start(options, credentials, null, false);
    }

    /**
     * A broker and a registry gateway that speak TLS with certificates {@code ca} signs, and that require the
     * credentials: SCRAM over SASL_SSL; or with {@code clientCertificates}, the client certificate {@code ca} signs
     * for {@link Credentials#kafkaUser()} instead of SCRAM (SSL), and at the gateway as well as basic auth.
     */
    public static SurgeStack startOverTls(
            Map<String, String> options, Credentials credentials, TestCertificates ca, boolean clientCertificates)
            throws Exception {
        return start(options, credentials, Objects.requireNonNull(ca), clientCertificates);
    }

    private static SurgeStack start(
            Map<String, String> options, Credentials credentials, TestCertificates ca, boolean clientCertificates)
            throws Exception {
        List<AutoCloseable> started = new ArrayList<>();
        try {
            String password = TestCertificates.PASSWORD;
            TlsStores client = ca == null
                    ? TlsStores.JVM_DEFAULTS
                    : new TlsStores(
                            ca.trustStore(),
                            password,
                            clientCertificates ? ca.issue(credentials.kafkaUser(), null) : null,
                            clientCertificates ? password : null);
            TlsStores server = ca == null
                    ? null
                    : new TlsStores(ca.trustStore(), password, ca.issue("localhost", "localhost"), password);
            EmbeddedKafka kafka;
            if (ca != null) {
                kafka = EmbeddedKafka.startWithTls(
                        new EmbeddedKafka.BrokerTls(
                                server.keyStore(), clientCertificates ? server.trustStore() : null, password),
                        client,
                        clientCertificates ? null : credentials.kafkaUser(),
                        clientCertificates ? null : credentials.kafkaPassword());
            } else if (credentials != null) {
                kafka = EmbeddedKafka.startWithScram(credentials.kafkaUser(), credentials.kafkaPassword());
            } else {
                kafka = EmbeddedKafka.start();
            }
            started.add(kafka);
            EmbeddedRegistry registry = EmbeddedRegistry.start(EmbeddedRegistry.DEFAULT_JAR, 0);
            started.add(registry);
            BasicAuthGateway gateway = null;
            Map<String, String> all = new HashMap<>(options);
            all.put("kafka.bootstrap", kafka.bootstrapServers());
            all.put("registry.url", registry.url());
            all.put("kafka.security-protocol", kafka.clientSettings().securityProtocol());
            if (credentials != null) {
                gateway = ca == null
                        ? new BasicAuthGateway(
                                registry.url(), credentials.registryUser(), credentials.registryPassword())
                        : BasicAuthGateway.overTls(
                                registry.url(),
                                credentials.registryUser(),
                                credentials.registryPassword(),
                                server,
                                clientCertificates);
                started.add(gateway);
                all.putAll(Map.of(
                        "registry.url", gateway.url(),
                        "registry.username", credentials.registryUser(),
                        "registry.password", credentials.registryPassword()));
                if (ca == null) {
                    // the gateway speaks http://, on loopback
                    all.put("security.allow-cleartext-credentials", "true");
                }
            }
            if (kafka.clientSettings().authenticates()) {
                all.putAll(Map.of(
                        "kafka.sasl.mechanism", kafka.clientSettings().saslMechanism(),
                        "kafka.sasl.username", credentials.kafkaUser(),
                        "kafka.sasl.password", credentials.kafkaPassword()));
            }
            if (ca != null) {
                all.putAll(tlsOptions("kafka.ssl.", client));
                all.putAll(tlsOptions("registry.", client));
            }
            SurgeConfig config = SurgeConfig.fromOptions(all, "test");
            return new SurgeStack(kafka, registry, gateway, config, prepare(config));
        } catch (Exception e) {
            closeAll(started);
            throw e;
        }
    }

    /** The options that give {@code stores}, each option's name starting with {@code prefix}. */
    public static Map<String, String> tlsOptions(String prefix, TlsStores stores) {
        Map<String, String> options = new HashMap<>();
        options.put(prefix + "truststore", stores.trustStore());
        options.put(prefix + "truststore-password", stores.trustStorePassword());
        if (stores.keyStore() != null) {
            options.put(prefix + "keystore", stores.keyStore());
            options.put(prefix + "keystore-password", stores.keyStorePassword());
        }
        return options;
    }

    /**
     * Surge's topics and input schemas on a broker and registry that run elsewhere, such as {@code surge infra}'s,
     * and that closing this leaves running. {@link #kafka()} and {@link #registry()} are null.
     */
    public static SurgeStack on(String bootstrap, String registryUrl, Map<String, String> options) throws Exception {
        Map<String, String> all = new HashMap<>(options);
        all.put("kafka.bootstrap", bootstrap);
        all.put("registry.url", registryUrl);
        SurgeConfig config = SurgeConfig.fromOptions(all, "test");
        return new SurgeStack(null, null, null, config, prepare(config));
    }

    /** Creates the topics and registers the input schemas; returns the schema id of each input topic. */
    private static Map<String, Integer> prepare(SurgeConfig config) throws Exception {
        TopicSetup.ensureTopics(config.kafkaJob());
        SchemaRegistryClient client = new SchemaRegistryClient(config.registry());
        return Map.of(
                config.topics().rideRequests(),
                client.register(config.topics().rideRequests() + "-value", RideRequest.getClassSchema()),
                config.topics().driverStatus(),
                client.register(config.topics().driverStatus() + "-value", DriverStatus.getClassSchema()));
    }

    /** The basic-auth gateway in front of the registry, for a stack started with credentials; else null. */
    public BasicAuthGateway gateway() {
        return gateway;
    }

    public EmbeddedRegistry registry() {
        return registry;
    }

    public EmbeddedKafka kafka() {
        return kafka;
    }

    public SurgeConfig config() {
        return config;
    }

    public String bootstrapServers() {
        return config.kafka().bootstrapServers();
    }

    /** The input topic of a ride request or driver status. */
    public String topicOf(Object input) {
        return config.topics().input(Input.of((SpecificRecord) input));
    }

    /** The input in the wire format under the schema id registered for its topic. */
    public byte[] wire(Object input) {
        return WireRecords.encode(inputSchemaIds.get(topicOf(input)), ((SpecificRecord) input).getSchema(), input);
    }

    public int schemaIdOf(String topic) {
        return inputSchemaIds.get(topic);
    }

    /**
     * The arguments of a {@code surge run} of the job against this broker and registry: its state under {@code state},
     * its REST API on a free port, and each of {@code settings} ({@code key=value}) as a further {@code --set}; the
     * list is the caller's to add other flags to.
     */
    public List<String> runArguments(String job, Path state, String... settings) {
        List<String> arguments = new ArrayList<>(List.of(
                "--bootstrap",
                bootstrapServers(),
                "--registry",
                config.registry().url(),
                "--set",
                "job.name=" + job,
                "--set",
                "state.dir=" + state.toAbsolutePath(),
                "--rest-port",
                "0"));
        for (String setting : settings) {
            arguments.addAll(List.of("--set", setting));
        }
        return arguments;
    }

    @Override
    public void close() throws Exception {
        List<AutoCloseable> parts = new ArrayList<>();
        Stream.of(kafka, registry, gateway).filter(Objects::nonNull).forEach(parts::add);
        closeAll(parts);
    }

    /** Closes the parts in reverse order of start, each even if an earlier one fails. */
    private static void closeAll(List<AutoCloseable> parts) throws Exception {
        Exception failure = null;
        List<AutoCloseable> reversed = new ArrayList<>(parts);
        Collections.reverse(reversed);
        for (AutoCloseable part : reversed) {
            try {
                part.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
