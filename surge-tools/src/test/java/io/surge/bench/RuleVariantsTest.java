package io.surge.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.surge.alerts.AlertRule;
import io.surge.alerts.RuleParser;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RuleVariantsTest {

    private static final Path SHIPPED = Path.of("alerts");

    @Test
    void tenVariantsOfTheShippedRulesAreThirtyValidRulesOfTheirOwn() {
        Map<String, String> files = RuleVariants.of(RuleParser.readDirectory(SHIPPED), 10);
        List<AlertRule> rules = RuleParser.parseFiles(files, SHIPPED::resolve);

        assertThat(rules).hasSize(30);
        assertThat(rules)
                .extracting(AlertRule::name)
                .doesNotHaveDuplicates()
                .contains("driver-exodus", "driver-exodus-v10");
        AlertRule exodus = named(rules, "driver-exodus");
        AlertRule tenth = named(rules, "driver-exodus-v10");
        // 10 s, 90 % longer; 5 drivers, 1 + 10 % 2 more
        assertThat(tenth.within()).isEqualTo(Duration.ofSeconds(19));
        assertThat(tenth.steps().get(0).times()).isEqualTo(exodus.steps().get(0).times() + 1);
        assertThat(named(rules, "surge-spike-v2").within()).isEqualTo(Duration.ofSeconds(33));
        assertThat(named(rules, "surge-spike-v2").steps())
                .isEqualTo(named(rules, "surge-spike").steps());
    }

    private static AlertRule named(List<AlertRule> rules, String name) {
        return rules.stream()
                .filter(rule -> rule.name().equals(name))
                .findFirst()
                .orElseThrow();
    }
}
