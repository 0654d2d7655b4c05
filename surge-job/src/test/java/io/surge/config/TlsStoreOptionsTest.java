package io.surge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.surge.testing.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Trust and key stores for Kafka and the registry, opened when the options are read, refused naming the option. */
class TlsStoreOptionsTest {

    @TempDir
    static Path directory;

    private static String trustStore;
    private static String keyStore;
    private static String passwordFile;

    @BeforeAll
    static void stores() throws Exception {
        TestCertificates ca = TestCertificates.authority(directory.resolve("ca"), "surge test CA");
        trustStore = ca.trustStore();
        keyStore = ca.issue("surge-job", null);
        passwordFile = Files.writeString(directory.resolve("password"), TestCertificates.PASSWORD + "\n")
                .toString();
    }

    @Test
    void storesGoToEveryKafkaClientWithHostNameVerificationLeftOn() {
        SurgeConfig config = SurgeConfig.fromOptions(mutualTls(), "env");

        assertThat(config.kafka().clientProperties())
                .containsEntry("security.protocol", "SSL")
                .containsEntry("ssl.truststore.location", trustStore)
                .containsEntry("ssl.truststore.password", TestCertificates.PASSWORD)
                .containsEntry("ssl.keystore.location", keyStore)
                .containsEntry("ssl.keystore.password", TestCertificates.PASSWORD)
                .containsEntry("ssl.key.password", TestCertificates.PASSWORD)
                // Kafka's default, https, verifies that the broker's certificate names the host connected to
                .doesNotContainKey("ssl.endpoint.identification.algorithm");
        assertThat(config.toString()).doesNotContain(TestCertificates.PASSWORD);
        assertThat(SurgeConfig.fromOptions(Map.of("kafka.security-protocol", "ssl"), "env")
                        .kafka()
                        .clientProperties())
                .as("the JVM's trust and no client certificate")
                .doesNotContainKeys("ssl.truststore.location", "ssl.keystore.location");
    }

    @Test
    void aStoreThatCannotBeUsedIsRefusedNamingTheOptionAndTheFix() throws Exception {
        Path wrongPassword = Files.writeString(directory.resolve("wrong"), "not-the-password");
        assertThatThrownBy(() -> SurgeConfig.fromOptions(
                        with(mutualTls(), "kafka.ssl.keystore-password-file", wrongPassword.toString()), "env"))
                .hasMessageStartingWith("env: option kafka.ssl.keystore-password-file: it does not open " + keyStore)
                .hasMessageEndingWith("give that store's password in kafka.ssl.keystore-password or"
                        + " kafka.ssl.keystore-password-file.");

        String missing = directory.resolve("absent.p12").toString();
        assertThatThrownBy(() -> SurgeConfig.fromOptions(with(mutualTls(), "kafka.ssl.truststore", missing), "env"))
                .hasMessage("env: option kafka.ssl.truststore: the file " + missing + " cannot be read; check the"
                        + " path and that this user may read it.");

        String pem = Files.writeString(directory.resolve("ca.crt"), "-----BEGIN CERTIFICATE-----\n")
                .toString();
        assertThatThrownBy(() -> SurgeConfig.fromOptions(with(mutualTls(), "kafka.ssl.truststore", pem), "env"))
                .hasMessageStartingWith("env: option kafka.ssl.truststore: " + pem + " is not a PKCS12 or JKS store")
                .hasMessageEndingWith("give such a store; from a CA's PEM file: keytool -importcert -file ca.crt"
                        + " -keystore truststore.p12.");

        assertThatThrownBy(() -> SurgeConfig.fromOptions(with(mutualTls(), "kafka.ssl.keystore", trustStore), "env"))
                .hasMessage("env: option kafka.ssl.keystore: " + trustStore + " holds no private key; give the key"
                        + " store with surge's key and certificate (keytool -genkeypair).");

        Map<String, String> keyWithoutPassword = new HashMap<>(mutualTls());
        keyWithoutPassword.remove("kafka.ssl.keystore-password-file");
        assertThatThrownBy(() -> SurgeConfig.fromOptions(keyWithoutPassword, "env"))
                .hasMessageStartingWith("env: option kafka.ssl.keystore: the key in " + keyStore
                        + " needs a password, but kafka.ssl.keystore-password is empty;");

        Map<String, String> passwordAlone = new HashMap<>(mutualTls());
        passwordAlone.remove("kafka.ssl.truststore");
        assertThatThrownBy(() -> SurgeConfig.fromOptions(passwordAlone, "env"))
                .hasMessage("env: option kafka.ssl.truststore-password-file: it is set but kafka.ssl.truststore is"
                        + " empty; set kafka.ssl.truststore too, or leave both empty.");
    }

    @Test
    void storesForAConnectionWithoutTlsAreRefused() {
        assertThatThrownBy(
                        () -> SurgeConfig.fromOptions(with(mutualTls(), "kafka.security-protocol", "plaintext"), "env"))
                .hasMessage("env: option kafka.ssl.truststore: it is set but kafka.security-protocol is"
                        + " plaintext, which does not use TLS; set kafka.security-protocol to ssl or sasl_ssl.");
        assertThatThrownBy(() -> SurgeConfig.fromOptions(
                        Map.of("registry.url", "http://registry.example:8081", "registry.keystore", keyStore), "env"))
                .hasMessage("env: option registry.keystore: it is set but registry.url is not https://; use the"
                        + " registry's https:// URL.");
        assertThat(SurgeConfig.fromOptions(
                                Map.of(
                                        "registry.url",
                                        "https://registry.example:8081",
                                        "registry.truststore",
                                        trustStore,
                                        "registry.truststore-password-file",
                                        passwordFile,
                                        "registry.keystore",
                                        keyStore,
                                        "registry.keystore-password-file",
                                        passwordFile),
                                "env")
                        .registry()
                        .tls()
                        .keyStore())
                .isEqualTo(keyStore);
    }

    private static Map<String, String> mutualTls() {
        return Map.of(
                "kafka.security-protocol", "ssl",
                "kafka.ssl.truststore", trustStore,
                "kafka.ssl.truststore-password-file", passwordFile,
                "kafka.ssl.keystore", keyStore,
                "kafka.ssl.keystore-password-file", passwordFile);
    }

    private static Map<String, String> with(Map<String, String> options, String key, String value) {
        Map<String, String> changed = new HashMap<>(options);
        changed.put(key, value);
        return changed;
    }
}
