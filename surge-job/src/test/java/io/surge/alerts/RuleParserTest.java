package io.surge.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.surge.avro.Severity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleParserTest {

    @TempDir
    Path dir;

    @Test
    void theShippedRulesLoad() {
        List<AlertRule> rules = RuleParser.parseDirectory(Path.of("alerts"));

        assertThat(rules)
                .extracting(AlertRule::name)
                .containsExactly("driver-exodus", "supply-collapse", "surge-spike");
        AlertRule collapse = rules.get(1);
        assertThat(collapse.input()).isEqualTo(RuleInput.MULTIPLIERS);
        assertThat(collapse.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(collapse.within()).isEqualTo(Duration.ofSeconds(15));
        assertThat(collapse.steps()).extracting(RuleStep::name).containsExactly("healthy", "collapsed");
        AlertRule exodus = rules.get(0);
        assertThat(exodus.steps().get(0).times()).isEqualTo(5);
        assertThat(exodus.steps().get(0).orMore()).isTrue();
        assertThat(exodus.steps().get(0).distinct()).isEqualTo("driver_id");
    }

    @Test
    void aWithinLongerThanAnHourIsRefused() throws IOException {
        Path file = rule("""
                name: r
                input: multipliers
                steps:
                  - name: first
                    where: multiplier > 2.0
                within: 2h
                summary: "x"
                """);

        assertThatThrownBy(() -> RuleParser.parse(file))
                .isInstanceOf(RuleException.class)
                .hasMessageStartingWith(file + ":6: 'within' is 2 h, above the longest a rule may wait, 1 h");
    }

    @Test
    void aConditionLongerThanTheBoundIsRefusedWhenTheRuleLoads() throws IOException {
        String condition = "multiplier > 2.0" + " && multiplier > 2.0".repeat(RuleExpressions.MAX_LENGTH / 19);
        Path file = rule("""
                name: r
                input: multipliers
                steps:
                  - name: first
                    where: "%s"
                within: 10s
                summary: "x"
                """.formatted(condition));

        assertThatThrownBy(() -> RuleParser.parse(file))
                .isInstanceOf(RuleException.class)
                .hasMessageContaining("exceeds")
                .hasMessageContaining(String.valueOf(RuleExpressions.MAX_LENGTH));
    }

    @Test
    void aConditionCannotLoopSoItsCostStaysInProportionToItsLength() throws IOException {
        // three nested comprehensions over 200 items would be 8 million evaluations per record
        String list = "[" + "1,".repeat(199) + "1]";
        Path file = rule("""
                name: r
                input: multipliers
                steps:
                  - name: first
                    where: "%s.all(a, %s.all(b, %s.all(c, multiplier > 0.0)))"
                within: 10s
                summary: "x"
                """.formatted(list, list, list));

        assertThatThrownBy(() -> RuleParser.parse(file))
                .isInstanceOf(RuleException.class)
                .hasMessageContaining("unknown name 'all'");
    }

    @Test
    void anUnknownFieldIsNamedWithTheFieldsThereAre() throws IOException {
        Path file = rule("""
                name: r
                input: multipliers
                steps:
                  - name: first
                    where: multiplier > 2.0
                  - name: second
                    where: surge > 2.0
                within: 10s
                summary: "x"
                """);

        assertThatThrownBy(() -> RuleParser.parse(file))
                .isInstanceOf(RuleException.class)
                .hasMessageStartingWith(file + ":7: in 'surge > 2.0': unknown name 'surge'")
                .hasMessageContaining("demand, multiplier, pooled_demand, pooled_supply, raw_multiplier, supply,"
                        + " window_end, window_start, zone_id")
                .hasMessageContaining("earlier steps: first");
    }

    @Test
    void aTypeMismatchSaysWhatTypesMet() throws IOException {
        Path file = rule("""
                name: r
                input: zone-events
                steps:
                  - name: first
                    where: available > 'yes'
                within: 10s
                summary: "x"
                """);

        assertThatThrownBy(() -> RuleParser.parse(file))
                .hasMessageStartingWith(file + ":5: in 'available > 'yes'': type mismatch")
                .hasMessageContaining("(bool, string)");
    }

    @Test
    void aReferenceToALaterOrUnknownStepIsRefused() throws IOException {
        Path file = rule("""
                name: r
                input: multipliers
                steps:
                  - name: first
                    where: supply <= 0.3 * second.supply
                  - name: second
                    where: supply >= 5
                within: 10s
                summary: "x"
                """);

        assertThatThrownBy(() -> RuleParser.parse(file))
                .hasMessageStartingWith(file + ":5: in 'supply <= 0.3 * second.supply': unknown name 'second'")
                .hasMessageContaining("no earlier step to refer to");
    }

    @Test
    void aRuleWithoutWithinIsRefusedBecauseItsPartialMatchesWouldNeverExpire() throws IOException {
        Path file = rule("""
                name: r
                input: multipliers
                steps:
                  - name: first
                    where: multiplier > 2.0
                summary: "x"
                """);

        assertThatThrownBy(() -> RuleParser.parse(file))
                .hasMessage(file + ":1: missing 'within': every rule needs a time bound, e.g. 'within: 30s'; it"
                        + " bounds how long partial matches are kept");
    }

    @Test
    void anythingBeyondTheFieldsIsUnreachableSoUnsafeExpressionsCannotLoad() throws IOException {
        Path file = rule("""
                name: r
                input: multipliers
                steps:
                  - name: first
                    where: java.lang.Runtime.getRuntime().exec('rm -rf /') == null
                within: 10s
                summary: "x"
                """);

        assertThatThrownBy(() -> RuleParser.parse(file))
                .hasMessageStartingWith(file + ":5: in 'java.lang.Runtime")
                .hasMessageContaining("unknown name 'java'");
    }

    @Test
    void resolveAfterDefaultsToWithinAndCooldownIsItsOlderName() throws IOException {
        String rule = """
                name: r
                input: multipliers
                steps:
                  - name: first
                    where: multiplier > 2.0
                within: 10s
                summary: "{zone_id}"
                """;
        assertThat(RuleParser.parse(rule(rule)).resolveAfter()).isEqualTo(Duration.ofSeconds(10));
        assertThat(RuleParser.parse(rule(rule + "resolve-after: 3min\n")).resolveAfter())
                .isEqualTo(Duration.ofMinutes(3));
        assertThat(RuleParser.parse(rule(rule + "cooldown: 2min\n")).resolveAfter())
                .isEqualTo(Duration.ofMinutes(2));
        assertThat(RuleParser.parse(rule(rule + "cooldown: 0s\n")).resolveAfter())
                .isEqualTo(Duration.ofSeconds(10));

        Path both = rule(rule + "resolve-after: 3min\ncooldown: 2min\n");
        assertThatThrownBy(() -> RuleParser.parse(both))
                .hasMessage(both + ":9: 'cooldown' is the older name of" + " 'resolve-after'; keep one of them");
        Path zero = rule(rule + "resolve-after: 0s\n");
        assertThatThrownBy(() -> RuleParser.parse(zero)).hasMessageStartingWith(zero + ":8: 'resolve-after' is 0;");
    }

    @Test
    void unknownKeysPlaceholdersAndBrokenYamlAreReportedWithTheirLine() throws IOException {
        Path typo = rule("""
                name: r
                input: multipliers
                withn: 10s
                """);
        assertThatThrownBy(() -> RuleParser.parse(typo))
                .hasMessageStartingWith(typo + ":3: unknown rule key 'withn'; a rule takes after-match, cooldown,");

        Path placeholder = rule("""
                name: r
                input: multipliers
                steps:
                  - name: first
                    where: multiplier > 2.0
                within: 10s
                summary: "{zone_id} at {first.multipler}"
                """);
        assertThatThrownBy(() -> RuleParser.parse(placeholder))
                .hasMessageStartingWith(placeholder + ":7: unknown placeholder {first.multipler}");

        Path broken = rule("""
                name: r
                steps: [unclosed
                """);
        assertThatThrownBy(() -> RuleParser.parse(broken)).hasMessageStartingWith(broken + ":3: not valid YAML");
    }

    @Test
    void twoFilesCannotDeclareTheSameRule() throws IOException {
        String body = """
                name: same
                input: multipliers
                steps:
                  - name: first
                    where: multiplier > 2.0
                within: 10s
                summary: "x"
                """;
        Files.writeString(dir.resolve("a.yaml"), body);
        Files.writeString(dir.resolve("b.yaml"), body);

        assertThatThrownBy(() -> RuleParser.parseDirectory(dir))
                .hasMessageStartingWith(dir.resolve("b.yaml") + ":1: rule name 'same' is already used by");
    }

    private Path rule(String yaml) throws IOException {
        Path file = Files.createTempFile(dir, "rule", ".yaml");
        Files.writeString(file, yaml);
        return file;
    }
}
