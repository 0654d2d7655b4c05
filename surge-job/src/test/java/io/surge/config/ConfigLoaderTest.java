package io.surge.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {

    @Test
    void aPasswordOnTheCommandLineIsWarnedAboutWithWhereToGiveItInstead() {
        assertThat(ConfigLoader.passwordsOnTheCommandLine(Map.of(
                        "kafka.sasl.password",
                        "p",
                        "registry.truststore-password",
                        "t",
                        "kafka.sasl.username",
                        "u",
                        "registry.password",
                        "")))
                .containsExactlyInAnyOrder(
                        "kafka.sasl.password was given on the command line, which every user of this machine can"
                                + " read (ps); give it in SURGE_KAFKA_SASL_PASSWORD or a file"
                                + " (kafka.sasl.password-file) instead",
                        "registry.truststore-password was given on the command line, which every user of this"
                                + " machine can read (ps); give it in SURGE_REGISTRY_TRUSTSTORE_PASSWORD or a file"
                                + " (registry.truststore-password-file) instead");
    }
}
