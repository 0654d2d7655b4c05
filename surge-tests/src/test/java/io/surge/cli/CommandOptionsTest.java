package io.surge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.surge.bench.BenchWorkload;
import org.junit.jupiter.api.Test;

/** Bad options stop a command before it touches Kafka, with the option and the fix in one line. */
class CommandOptionsTest {

    @Test
    void anInvalidOptionValueNamesTheOptionAndTheFix() {
        CliRun run = CliRun.of("run", "--set", "window.size=32s");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip())
                .isEqualTo(
                        "surge: command line: option window.size: window.size (32 s) must be"
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

    @Test
    void anUnknownBenchProfileIsRefused() {
        CliRun run = CliRun.of("bench", "--profile", "country");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("no profile 'country'; choose city or world");
    }

    @Test
    void aBenchProfileSizesTheWorkloadAndTheOptionsGivenOverrideIt() {
        assertThat(BenchCommand.Profile.WORLD.workload(1L, null, null, null, null))
                .isEqualTo(new BenchWorkload(1L, 2_000_000, 140_000, 1_000_000, 20_000));
        assertThat(BenchCommand.Profile.WORLD.workload(1L, 10_000, null, null, 500))
                .isEqualTo(new BenchWorkload(1L, 10_000, 140_000, 1_000_000, 500));
        assertThat(BenchCommand.Profile.CITY.workload(1L, 1_000_000, null, null, null))
                .as("a driver per 20 events")
                .isEqualTo(new BenchWorkload(1L, 1_000_000, 500, 50_000, 10_000));
        assertThat(BenchCommand.Profile.CITY.workload(1L, null, 80, 7, null))
                .isEqualTo(new BenchWorkload(1L, 200_000, 80, 7, 10_000));
    }
}
