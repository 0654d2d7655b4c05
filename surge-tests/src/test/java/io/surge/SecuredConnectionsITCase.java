package io.surge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.surge.config.ConfigLoader;
import io.surge.config.SurgeConfig;
import io.surge.io.TlsStores;
import io.surge.io.kafka.DivertedRecordSerializer;
import io.surge.io.kafka.KafkaSettings;
import io.surge.io.registry.RegistryException;
import io.surge.io.registry.RegistrySettings;
import io.surge.testing.Inputs;
import io.surge.testing.OtherTeams;
import io.surge.testing.SurgeOnMiniCluster;
import io.surge.testing.TestCertificates;
import io.surge.testing.stack.ClosedWorkload;
import io.surge.testing.stack.KafkaClients;
import io.surge.testing.stack.LogWatch;
import io.surge.testing.stack.SurgeStack;
import io.surge.time.Waiting;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Surge against a broker that requires SASL/SCRAM or a client certificate, plaintext or over TLS, and a registry behind
 * basic auth, over HTTP or HTTPS, with its credentials and stores taken from SURGE_* environment variables and secret
 * files: results are exact, no credential reaches a log or the Flink web UI's API, and without credentials, with wrong
 * ones, or with stores that do not fit the servers' certificates, the job refuses to start with a message saying what
 * to set.
 */
@Tag("slow")
class SecuredConnectionsITCase {

    private static final Logger LOG = LoggerFactory.getLogger(SecuredConnectionsITCase.class);

    // random, so that finding one in a log cannot be a coincidence of common words
    private static final SurgeStack.Credentials CREDENTIALS = new SurgeStack.Credentials(
            "surge-job", "kafka-" + UUID.randomUUID(), "surge-schemas", "registry-" + UUID.randomUUID());

    @RegisterExtension
    static final MiniClusterExtension FLINK = SurgeOnMiniCluster.extension();

    @TempDir
    Path secrets;

    @TempDir
    static Path certificates;

    private static TestCertificates ca;
    private static TestCertificates otherCa;

    @BeforeAll
    static void authorities() throws Exception {
        ca = TestCertificates.authority(certificates.resolve("ca"), "surge test CA");
        otherCa = TestCertificates.authority(certificates.resolve("other"), "another CA");
    }

    @Test
    void resultsAreExactWithCredentialsFromEnvironmentAndFilesAndNeverShown(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        try (LogWatch watch = LogWatch.watch(CREDENTIALS.kafkaPassword(), CREDENTIALS.registryPassword());
                SurgeStack stack = SurgeStack.start(Map.of(), CREDENTIALS)) {
            assertExactResults(stack, environment(stack), 7L, job -> {
                URI rest = cluster.getRestAddress().get();
                String jobPath = "/jobs/" + job.getJobID();
                for (String page : List.of(
                        "/jobmanager/config",
                        "/jobmanager/environment",
                        jobPath,
                        jobPath + "/config",
                        jobPath + "/plan",
                        jobPath + "/checkpoints/config")) {
                    assertThat(get(rest.resolve(page)))
                            .as("Flink web UI's " + page)
                            .doesNotContain(CREDENTIALS.kafkaPassword())
                            .doesNotContain(CREDENTIALS.registryPassword());
                }
            });
            assertThat(watch.seen()).as("log events read").isPositive();
            assertThat(watch.matches()).as("log events showing a password").isEmpty();
        }
    }

    /**
     * Mutual TLS, as many managed clusters require it: the broker and the registry's HTTPS proxy accept only clients
     * whose certificate the test's CA signed, and surge trusts only that CA.
     */
    @Test
    void resultsAreExactWithClientCertificatesForBrokerAndRegistry() throws Exception {
        try (LogWatch watch = LogWatch.watch(TestCertificates.PASSWORD, CREDENTIALS.registryPassword());
                SurgeStack stack = SurgeStack.startOverTls(Map.of(), CREDENTIALS, ca, true)) {
            Map<String, String> environment = environment(stack);
            assertThat(environment)
                    .containsEntry("SURGE_KAFKA_SECURITY_PROTOCOL", "ssl")
                    .containsKey("SURGE_KAFKA_SSL_KEYSTORE")
                    .containsKey("SURGE_REGISTRY_KEYSTORE");
            assertThat(environment.get("SURGE_REGISTRY_URL")).startsWith("https://");
            assertExactResults(stack, environment, 13L, job -> {});
            assertThat(watch.matches()).as("log events showing a password").isEmpty();
        }
    }

    @Test
    void resultsAreExactWithScramOverTls() throws Exception {
        try (SurgeStack stack = SurgeStack.startOverTls(Map.of(), CREDENTIALS, ca, false)) {
            Map<String, String> environment = environment(stack);
            assertThat(environment)
                    .containsEntry("SURGE_KAFKA_SECURITY_PROTOCOL", "sasl_ssl")
                    .doesNotContainKey("SURGE_KAFKA_SSL_KEYSTORE");
            assertExactResults(stack, environment, 17L, job -> {});
        }
    }

    /**
     * Each store that does not fit the servers' certificates stops the job before it runs, naming the option to fix;
     * so does a broker address that its certificate does not name, as Kafka's host name verification stays on.
     */
    @Test
    void storesThatDoNotFitTheServersAreRefusedAtStartNamingTheOption() throws Exception {
        try (SurgeStack stack = SurgeStack.startOverTls(Map.of(), CREDENTIALS, ca, true)) {
            Map<String, String> environment = environment(stack);
            String stranger = otherCa.issue("stranger", null);

            assertThatThrownBy(() -> buildJob(with(environment, "SURGE_KAFKA_SSL_TRUSTSTORE", otherCa.trustStore())))
                    .hasMessageContaining("the broker's certificate is not signed by a CA that " + otherCa.trustStore()
                            + " holds: set kafka.ssl.truststore");
            assertThatThrownBy(() -> buildJob(with(environment, "SURGE_KAFKA_SSL_KEYSTORE", stranger)))
                    .hasMessageContaining("one it does not trust, from " + stranger)
                    .hasMessageContaining("set kafka.ssl.keystore");
            Map<String, String> noKeyStore = new HashMap<>(environment);
            noKeyStore.keySet().removeIf(name -> name.startsWith("SURGE_KAFKA_SSL_KEYSTORE"));
            assertThatThrownBy(() -> buildJob(noKeyStore))
                    .hasMessageContaining("was shown none: set kafka.ssl.keystore");
            String byAddress = "127.0.0.1:" + stack.bootstrapServers().replaceAll(".*:", "");
            assertThatThrownBy(() -> buildJob(with(environment, "SURGE_KAFKA_BOOTSTRAP", byAddress)))
                    .hasMessageContaining("the broker's certificate does not name the host surge connects to");

            assertThatThrownBy(() -> buildJob(with(environment, "SURGE_REGISTRY_TRUSTSTORE", otherCa.trustStore())))
                    .isInstanceOf(RegistryException.class)
                    .hasMessageContaining("the registry's certificate is not signed by a CA that "
                            + otherCa.trustStore() + " holds: set registry.truststore");
            Map<String, String> noRegistryKeyStore = new HashMap<>(environment);
            noRegistryKeyStore.keySet().removeIf(name -> name.startsWith("SURGE_REGISTRY_KEYSTORE"));
            assertThatThrownBy(() -> buildJob(noRegistryKeyStore))
                    .isInstanceOf(RegistryException.class)
                    // TLS 1.3: the server refuses the certificate after the client's side of the handshake is done
                    .hasMessageContaining("if it requires a client certificate, set registry.keystore to one it trusts"
                            + " (surge shows none)");
            assertThatThrownBy(() -> buildJob(with(environment, "SURGE_REGISTRY_KEYSTORE", stranger)))
                    .isInstanceOf(RegistryException.class)
                    .hasMessageContaining("set registry.keystore to one it trusts (surge shows the one in " + stranger);
        }
    }

    /** What a test checks while the job runs, after its results are in. */
    private interface WhileRunning {
        void check(JobClient job) throws Exception;
    }

    /** Sends a closed workload, runs the job until its results are in, and compares them with the oracle's. */
    private static void assertExactResults(
            SurgeStack stack, Map<String, String> environment, long seed, WhileRunning whileRunning) throws Exception {
        SurgeConfig config = ConfigLoader.load(
                null, environment, Map.of("job.name", "secured-" + seed, "checkpoint.interval", "1s"));
        ClosedWorkload workload =
                ClosedWorkload.generate(seed, 4_000, config.topics().partitions());
        try (KafkaProducer<byte[], byte[]> producer =
                KafkaClients.producer(stack.config().kafka())) {
            workload.sendAll(producer, stack);
        }
        JobClient job = SurgeOnMiniCluster.start(config, workload.now(), 2, null);
        try (KafkaConsumer<byte[], byte[]> multipliers = KafkaClients.committedReader(
                stack.config().kafka(), config.topics().multipliers())) {
            List<ConsumerRecord<byte[], byte[]>> results = KafkaClients.records();
            workload.readResults(multipliers, results, Duration.ofSeconds(120), Duration.ofSeconds(2));
            assertThat(results.stream().map(ClosedWorkload::decodeSurge).toList())
                    .containsExactlyInAnyOrderElementsOf(workload.expected());
            whileRunning.check(job);
        } finally {
            job.cancel().get();
        }
    }

    /**
     * The registry's proxy times out and redirects the job's first schema lookups; then the registry's password is
     * rotated while the job runs, and a record with a schema id the job has not seen arrives: its lookup is refused
     * until the new password is written to the password file, which the job reads again. Only that record, whose body
     * is bad, is dead-lettered, and as undecodable, not refused; the results are exact.
     */
    @Test
    void aProxysTimeoutsAndARotatedPasswordCostNoRecord() throws Exception {
        try (SurgeStack stack = SurgeStack.start(Map.of(), CREDENTIALS)) {
            Map<String, String> environment = new HashMap<>(environment(stack));
            environment.put("SURGE_REGISTRY_RETRY_FOR", "120s");
            SurgeConfig config =
                    ConfigLoader.load(null, environment, Map.of("job.name", "rotated", "checkpoint.interval", "1s"));
            ClosedWorkload workload =
                    ClosedWorkload.generate(11L, 4_000, config.topics().partitions());
            stack.gateway().failNext(408, 3);
            stack.gateway().failNext(307, 3);

            JobClient job = SurgeOnMiniCluster.start(config, workload.now(), 2, null);
            try (KafkaProducer<byte[], byte[]> producer =
                            KafkaClients.producer(stack.config().kafka());
                    KafkaConsumer<byte[], byte[]> multipliers = KafkaClients.committedReader(
                            stack.config().kafka(), config.topics().multipliers());
                    KafkaConsumer<byte[], byte[]> deadLetters = KafkaClients.committedReader(
                            stack.config().kafka(), config.topics().deadLetters())) {
                workload.sendAtRate(producer, stack, 0, workload.size() / 2, 2_000);
                List<ConsumerRecord<byte[], byte[]>> results = KafkaClients.records();
                KafkaClients.pollUntil(
                        multipliers,
                        results,
                        read -> !read.isEmpty(),
                        Duration.ofSeconds(120),
                        "a first result, its schemas looked up through the failing proxy");
                assertThat(stack.gateway().failed())
                        .as("timeouts and redirects answered")
                        .isEqualTo(6);

                int refusedBefore = stack.gateway().refused();
                String rotated = "rotated-" + UUID.randomUUID();
                stack.gateway().rotate(CREDENTIALS.registryUser(), rotated);
                // registered straight with the registry, as another team's producer would: an id the job never saw
                int unseen = OtherTeams.register(
                        stack.registry().url(),
                        config.topics().rideRequests() + "-value",
                        "AVRO",
                        OtherTeams.RIDE_WITH_NOTHINGS.toString());
                KafkaClients.send(
                        producer,
                        new ProducerRecord<>(
                                config.topics().rideRequests(),
                                0,
                                null,
                                OtherTeams.framed(
                                        unseen,
                                        OtherTeams.twoBillionNothings(Inputs.rideRequest(
                                                "unseen", 40.71, -74.01, workload.eventTimeAt(0))))));
                Waiting.until(
                        () -> stack.gateway().refused() > refusedBefore,
                        Duration.ofSeconds(60),
                        "the job's lookup of the unseen id to be refused with the old password");
                Files.writeString(secrets.resolve("registry-password"), rotated + "\n");

                workload.sendAtRate(producer, stack, workload.size() / 2, workload.size(), 2_000);
                workload.close(producer, stack);
                workload.readResults(multipliers, results, Duration.ofSeconds(120), Duration.ofSeconds(2));
                assertThat(results.stream().map(ClosedWorkload::decodeSurge).toList())
                        .containsExactlyInAnyOrderElementsOf(workload.expected());
                List<ConsumerRecord<byte[], byte[]>> diverted = KafkaClients.records();
                KafkaClients.pollUntil(
                        deadLetters,
                        diverted,
                        read -> !read.isEmpty(),
                        Duration.ofSeconds(60),
                        "the record of the unseen id");
                KafkaClients.pollFor(deadLetters, diverted, Duration.ofSeconds(2));
                assertThat(diverted)
                        .singleElement()
                        .satisfies(record -> assertThat(new String(
                                        record.headers()
                                                .lastHeader(DivertedRecordSerializer.REASON)
                                                .value(),
                                        StandardCharsets.UTF_8))
                                .as("decoded once the new password was read, not refused")
                                .isEqualTo("undecodable"));
            } finally {
                job.cancel().get();
            }
        }
    }

    @Test
    void refusesToStartWithoutCredentialsOrWithWrongOnesSayingWhatToSet() throws Exception {
        try (LogWatch watch = LogWatch.watch(CREDENTIALS.kafkaPassword(), CREDENTIALS.registryPassword());
                SurgeStack stack = SurgeStack.start(Map.of(), CREDENTIALS)) {
            Map<String, String> environment = environment(stack);

            Map<String, String> noKafkaCredentials = new HashMap<>(environment);
            noKafkaCredentials.keySet().removeIf(name -> name.startsWith("SURGE_KAFKA_S"));
            long start = System.nanoTime();
            assertThatThrownBy(() -> buildJob(noKafkaCredentials))
                    .hasMessageContaining("cannot create surge's topics on Kafka at " + stack.bootstrapServers())
                    .hasMessageContaining(
                            "set kafka.security-protocol, kafka.sasl.username and" + " kafka.sasl.password-file");
            LOG.info(
                    "a plaintext client on the SASL broker gave up after ms={}",
                    Duration.ofNanos(System.nanoTime() - start).toMillis());

            Path wrong = Files.writeString(secrets.resolve("wrong"), "not-the-password");
            Map<String, String> wrongPassword = new HashMap<>(environment);
            wrongPassword.put("SURGE_KAFKA_SASL_PASSWORD_FILE", wrong.toString());
            assertThatThrownBy(() -> buildJob(wrongPassword))
                    .hasMessageContaining("the broker refused user 'surge-job' with SCRAM-SHA-512");

            Map<String, String> noRegistryCredentials = new HashMap<>(environment);
            noRegistryCredentials
                    .keySet()
                    .removeIf(name -> name.startsWith("SURGE_REGISTRY_") && !name.endsWith("URL"));
            assertThatThrownBy(() -> buildJob(noRegistryCredentials))
                    .isInstanceOf(RegistryException.class)
                    .hasMessageContaining("HTTP 401")
                    .hasMessageContaining(
                            "the registry requires credentials: set registry.username and" + " registry.password-file");

            assertThat(watch.matches()).as("log events showing a password").isEmpty();
        }
    }

    /**
     * The stack's connection settings as a deployment passes them: names and paths in variables, passwords in mounted
     * files.
     */
    private Map<String, String> environment(SurgeStack stack) throws Exception {
        KafkaSettings kafka = stack.config().kafka();
        RegistrySettings registry = stack.config().registry();
        Map<String, String> environment = new HashMap<>();
        environment.put("SURGE_KAFKA_BOOTSTRAP", kafka.bootstrapServers());
        environment.put(
                "SURGE_KAFKA_SECURITY_PROTOCOL", kafka.securityProtocol().toLowerCase(Locale.ROOT));
        if (kafka.authenticates()) {
            environment.put("SURGE_KAFKA_SASL_MECHANISM", kafka.saslMechanism().toLowerCase(Locale.ROOT));
            environment.put("SURGE_KAFKA_SASL_USERNAME", kafka.username());
            environment.put("SURGE_KAFKA_SASL_PASSWORD_FILE", secret("kafka-password", kafka.password()));
        }
        if (kafka.encrypts()) {
            putStores(environment, "SURGE_KAFKA_SSL_", kafka.tls());
        }
        environment.put("SURGE_REGISTRY_URL", registry.url());
        environment.put("SURGE_REGISTRY_USERNAME", registry.username());
        environment.put("SURGE_REGISTRY_PASSWORD_FILE", secret("registry-password", registry.password()));
        environment.put("SURGE_REGISTRY_RETRY_FOR", "2s");
        if (registry.url().startsWith("https://")) {
            putStores(environment, "SURGE_REGISTRY_", registry.tls());
        } else {
            // the registry's gateway speaks http://, on loopback
            environment.put("SURGE_SECURITY_ALLOW_CLEARTEXT_CREDENTIALS", "true");
        }
        return environment;
    }

    private void putStores(Map<String, String> environment, String prefix, TlsStores stores) throws Exception {
        environment.put(prefix + "TRUSTSTORE", stores.trustStore());
        environment.put(
                prefix + "TRUSTSTORE_PASSWORD_FILE", secret("truststore-password", stores.trustStorePassword()));
        if (stores.keyStore() != null) {
            environment.put(prefix + "KEYSTORE", stores.keyStore());
            environment.put(prefix + "KEYSTORE_PASSWORD_FILE", secret("keystore-password", stores.keyStorePassword()));
        }
    }

    /** The secret in a file of its own, as a mounted secret holds it. */
    private String secret(String name, String value) throws Exception {
        return Files.writeString(secrets.resolve(name), value + "\n").toString();
    }

    private static Map<String, String> with(Map<String, String> environment, String name, String value) {
        Map<String, String> changed = new HashMap<>(environment);
        changed.put(name, value);
        return changed;
    }

    private static void buildJob(Map<String, String> environment) {
        SurgeConfig config = ConfigLoader.load(null, environment, Map.of("job.name", "refused"));
        SurgeJob.buildOnKafka(StreamExecutionEnvironment.getExecutionEnvironment(), config, () -> 0L);
    }

    private static String get(URI uri) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(uri.toString()).isEqualTo(200);
        return response.body();
    }
}
