package io.surge.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Anyone who can write to the rules topic can publish any text as a rule set version: whatever it holds, reading it
 * ends in a {@link RuleException} naming the version and the file, never in anything that would stop the job.
 */
class HostileRuleSetsTest {

    private static final String VALID = """
            name: high
            input: multipliers
            steps:
              - name: seen
                where: multiplier >= 2.0
            within: 10s
            summary: "{zone_id}"
            """;

    @Test
    void aYamlBombOfAliasesIsRefusedBeforeItIsExpanded() {
        String bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: [" + "*a, ".repeat(60) + "*a]\n";

        assertRefused(Map.of("bomb.yaml", bomb), "rule set version 7/bomb.yaml:1: not a usable rule file:");
    }

    @Test
    void deepNestingIsRefusedBeforeItCanOverflowTheStack() {
        String deep = "name: " + "[".repeat(5_000) + "]".repeat(5_000) + "\n";

        assertRefused(Map.of("deep.yaml", deep), "rule set version 7/deep.yaml:1: not a usable rule file:");
    }

    @Test
    void aFileNameThatIsNoPlainNameIsRefusedAndShownEscaped() {
        assertRefused(Map.of("high\u0000.yaml", VALID), "rule set version 7:0: a rule file's name must be");
        assertThatThrownBy(() -> version(Map.of("high\u0000.yaml", VALID)).rules())
                .hasMessageEndingWith("one is 'high\\u0000.yaml'");
        assertRefused(Map.of("../high.yaml", VALID), "rule set version 7:0: a rule file's name must be");
    }

    @Test
    void aSetOfMoreRulesThanTheBoundIsRefused() {
        Map<String, String> files = new TreeMap<>();
        for (int i = 0; i <= RuleParser.MAX_RULES; i++) {
            files.put("r" + i + ".yaml", VALID.replace("name: high", "name: r" + i));
        }
        assertRefused(files, "rule set version 7:0: 101 rule files, more than the 100 a rule set may hold");
        files.remove("r0.yaml");
        assertThat(version(files).rules()).hasSize(RuleParser.MAX_RULES);
    }

    @Test
    void aFileLargerThanTheBoundIsRefusedUnread() {
        String large = VALID + "#" + "x".repeat(RuleParser.MAX_FILE_CHARS) + "\n";

        assertRefused(
                Map.of("high.yaml", large),
                "rule set version 7/high.yaml:0: " + large.length()
                        + " characters, more than the 65536 a rule file may hold");
    }

    @Test
    void aCooldownLongerThanADayIsRefused() {
        assertRefused(
                Map.of("high.yaml", VALID + "cooldown: 36500d\n"),
                "rule set version 7/high.yaml:8: 'cooldown' is 36500 d, above the longest, 1 d");
        assertThat(version(Map.of("high.yaml", VALID + "cooldown: 1d\n")).rules())
                .hasSize(1);
    }

    @Test
    void aRuleOnZoneEventsThatWouldHoldTooManyRecordsIsRefused() {
        String exodus = """
                name: exodus
                input: zone-events
                steps:
                  - name: gone
                    where: kind == 'DRIVER_STATUS' && !available
                    at-least: %d
                    distinct: driver_id
                within: %s
                after-match: no-skip
                summary: "{zone_id}"
                """;

        assertRefused(
                Map.of("exodus.yaml", exodus.formatted(1000, "1h")),
                "rule set version 7/exodus.yaml:8: waits for 1000 records within 1 h: 1000 x 3600.0 s is above 3600");
        assertThat(version(Map.of("exodus.yaml", exodus.formatted(60, "1min"))).rules())
                .hasSize(1);
    }

    @Test
    void aVersionTakingEffectMoreThanAWeekAheadOfTheClockIsRefused() {
        long now = 1_800_000_000_000L;
        long week = Duration.ofDays(7).toMillis();
        RuleSetVersion in2100 =
                new RuleSetVersion(7, 4_102_444_800_000L, Map.of("high.yaml", VALID), "someone", null, null);
        RuleSetVersion nextWeek = new RuleSetVersion(7, now + week, Map.of("high.yaml", VALID), "someone", null, null);

        assertThatThrownBy(() -> in2100.rules(TrustedKeys.ANYONE, now))
                .isInstanceOf(RuleException.class)
                .hasMessage("rule set version 7:0: effective from 2100-01-01T00:00:00Z, more than 7 days ahead of the"
                        + " clock; deploy it closer to when it applies");
        assertThat(nextWeek.rules(TrustedKeys.ANYONE, now)).hasSize(1);
        assertThatThrownBy(
                        () -> new RuleSetVersion(7, now + week + 1, Map.of("high.yaml", VALID), "someone", null, null)
                                .rules(TrustedKeys.ANYONE, now))
                .isInstanceOf(RuleException.class);
    }

    @Test
    void whateverReadingAVersionThrowsBecomesARefusalNamingIt() {
        Map<String, String> files = new HashMap<>();
        files.put("high.yaml", null); // no tool writes this; a hand-made record can

        assertRefused(files, "rule set version 7:0: cannot be read: java.lang.NullPointerException");
    }

    private static void assertRefused(Map<String, String> files, String message) {
        assertThatThrownBy(() -> version(files).rules())
                .isInstanceOf(RuleException.class)
                .hasMessageStartingWith(message);
    }

    private static RuleSetVersion version(Map<String, String> files) {
        return new RuleSetVersion(7, 0, files, "someone", null, null);
    }
}
