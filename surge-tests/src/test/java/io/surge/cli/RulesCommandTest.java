package io.surge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RulesCommandTest {

    @Test
    void checkListsTheValidRules() {
        CliRun run = CliRun.of("rules", "check", "alerts");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out())
                .contains("ok  surge-spike        multipliers WARNING  2 step(s) within 30s")
                .contains("3 rule(s) in alerts are valid");
    }

    @Test
    void checkExplainsHowEachRuleRuns() {
        CliRun run = CliRun.of("rules", "check", "--explain", "alerts");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out())
                .contains("driver-exodus          counted: per zone, 5 records of distinct driver_id within 10 s of the"
                        + " first; a match ends the count")
                .contains("surge-spike            sequence: per zone, from each record meeting 'multiplier <= 1.5',"
                        + " the first record after it meeting 'multiplier >= 2.0 && pooled_demand >= 10' within 30 s");
    }

    @Test
    void checkNamesTheFileLineAndFixOfABadRule(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("bad.yaml"), """
                name: bad
                input: multipliers
                steps:
                  - name: first
                    where: multipler > 2.0
                within: 10s
                summary: "x"
                """);

        CliRun run = CliRun.of("rules", "check", dir.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .startsWith("surge: " + dir.resolve("bad.yaml") + ":5: in 'multipler > 2.0': unknown"
                        + " name 'multipler'");
    }

    /**
     * A recorded hour of two incidents: a concert letting out in zone_4071_-7401 at 60 s (30 rides in 4 s on top of
     * one ride every 5 s, six drivers), and six of eight drivers logging off in zone_4073_-7399 from 100 s, 0.8 s
     * apart; plus one broken line.
     */
    @Test
    void backtestPrintsTheAlertsARecordedScenarioRaises() {
        CliRun run = CliRun.of(
                "rules", "backtest", "--rules", "alerts", "--input", "examples/backtest/city-incidents.jsonl");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out().lines())
                .containsSubsequence(
                        // from the window ending at 65 s: 6 regular rides and 30 concert rides for 6 drivers, a raw 5x
                        // and a
                        // target of (36 + 3) / (6 + 3) = 4.33 with no neighbour in traffic; the published price climbs
                        // 0.5 a
                        // slide and reaches 2x in the window ending at 70 s; the earliest calm window less than 30 s
                        // before
                        // it ends at 45 s
                        "2026-11-25T08:01:10Z  FIRING   WARNING  surge-spike      v0   zone_4071_-7401        Surge in zone_4071_-7401"
                                + " jumped from 1x to 2x in 25 s (demand 36, supply 6; pooled 36 / 6)",
                        // the fifth driver, at 103.2 s
                        "2026-11-25T08:01:43.200Z  FIRING   WARNING  driver-exodus    v0   zone_4073_-7399        5 drivers went"
                                + " unavailable in zone_4073_-7399 within 3.2 s",
                        // the window ending at 105 s sees only 2 available drivers; 8 in the one ending at 95 s
                        "2026-11-25T08:01:45Z  FIRING   CRITICAL supply-collapse  v0   zone_4073_-7399        Supply in zone_4073_-7399"
                                + " collapsed from 8 to 2 drivers in 10 s",
                        // no rule matches again: each episode ends its resolve-after (the cooldown of the shipped
                        // rules) after
                        // its one match
                        "2026-11-25T08:03:43.200Z  RESOLVED WARNING  driver-exodus    v0   zone_4073_-7399        Resolved"
                                + " after 1 match, none for 2 min: 5 drivers went unavailable in zone_4073_-7399 within 3.2 s",
                        "2026-11-25T08:06:10Z  RESOLVED WARNING  surge-spike      v0   zone_4071_-7401        Resolved after"
                                + " 1 match, none for 5 min: Surge in zone_4071_-7401 jumped from 1x to 2x in 25 s (demand 36,"
                                + " supply 6; pooled 36 / 6)",
                        "2026-11-25T08:06:45Z  RESOLVED CRITICAL supply-collapse  v0   zone_4073_-7399        Resolved after"
                                + " 1 match, none for 5 min: Supply in zone_4073_-7399 collapsed from 8 to 2 drivers in 10 s",
                        "",
                        "427 records replayed (1 rejected), 3 episodes",
                        "  driver-exodus      1",
                        "  supply-collapse    1",
                        "  surge-spike        1");
    }
}
