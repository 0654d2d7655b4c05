package io.surge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.surge.config.SurgeOption;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/configuration.md is what {@code surge options --markdown} prints: generated, so never out of date. */
class ConfigurationReferenceTest {

    @Test
    void theConfigurationReferenceIsGeneratedFromTheOptions() throws Exception {
        CliRun run = CliRun.of("options", "--markdown");

        assertThat(run.exitCode()).isZero();
        for (SurgeOption option : SurgeOption.values()) {
            assertThat(run.out()).contains("| `" + option.key() + "` |");
        }
        assertThat(Files.readString(Path.of("docs/configuration.md")))
                .as("docs/configuration.md is out of date: run ./surge options --markdown > docs/configuration.md")
                .isEqualTo(run.out());
    }
}
