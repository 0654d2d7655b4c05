package io.surge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The job's own flags, as a Flink cluster passes them to its main class. */
class JobArgumentsTest {

    @Test
    void flagsSetOptionsOverTheEnvironment() {
        SurgeConfig config = JobArguments.load(
                new String[] {
                    "--bootstrap",
                    "kafka:9092",
                    "--registry",
                    "http://registry:8081",
                    "--set",
                    "window.slide=10s",
                    "-D",
                    "job.name=city"
                },
                Map.of("SURGE_JOB_NAME", "other", "SURGE_CHECKPOINT_INTERVAL", "2s"));

        assertThat(config.bootstrapServers()).isEqualTo("kafka:9092");
        assertThat(config.registry().url()).isEqualTo("http://registry:8081");
        assertThat(config.window().slideMillis()).isEqualTo(10_000);
        assertThat(config.jobName()).isEqualTo("city");
        assertThat(config.checkpointing().interval()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void anUnknownFlagOrAMissingValueIsNamedWithWhatTheJobTakes() {
        assertThatThrownBy(() -> JobArguments.load(new String[] {"--fresh", "x"}, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("command line: unknown flag '--fresh'; the job takes --bootstrap HOST:PORT");
        assertThatThrownBy(() -> JobArguments.load(new String[] {"--bootstrap"}, Map.of()))
                .hasMessageStartingWith("command line: --bootstrap needs a value");
        assertThatThrownBy(() -> JobArguments.load(new String[] {"--set", "window.slide"}, Map.of()))
                .hasMessageStartingWith("command line: --set window.slide is not KEY=VALUE");
    }
}
