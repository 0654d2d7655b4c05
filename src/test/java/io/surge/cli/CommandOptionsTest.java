package io.surge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Bad options stop a command before it touches Kafka, with the option and the fix in one line. */
class CommandOptionsTest {

    @Test
    void anInvalidOptionValueNamesTheOptionAndTheFix() {
        CliRun run = CliRun.of("run", "--set", "window.size=32s");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip()).isEqualTo("surge: command line: option window.size: window.size (32 s) must be"
                + " a whole multiple of window.slide (5 s); choose a size such as 30 s or a slide that divides 32 s.");
    }

    @Test
    void anUnknownOptionIsNamed() {
        CliRun run = CliRun.of("run", "--set", "window.lenght=30s");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("surge: command line: unknown option 'window.lenght'; known options are");
    }

    @Test
    void anUnknownFlagIsReportedWithTheUsage() {
        CliRun run = CliRun.of("generate", "--speed", "10");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("Unknown options: '--speed', '10'").contains("Usage: surge generate");
    }

    @Test
    void anUnknownScenarioIsRefused() {
        CliRun run = CliRun.of("generate", "--scenario", "rain", "--bootstrap", "localhost:1");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--scenario rain is unknown; use incidents or steady");
    }

    @Test
    void helpShowsDefaults() {
        CliRun run = CliRun.of("generate", "--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("--rate=<rate>").contains("Default: 300").contains("Default: 10min");
    }
}
