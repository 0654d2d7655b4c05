package io.surge.alerts;

import static io.surge.testing.SurgeResults.surge;
import static org.assertj.core.api.Assertions.assertThat;

import io.surge.avro.AlertStatus;
import io.surge.event.ZoneEvent;
import io.surge.pricing.ZoneSurge;
import io.surge.testing.Events;
import io.surge.testing.RuleVersions;
import io.surge.testing.TaskCheckpoints;
import io.surge.time.Clock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rules operator raises exactly what plain flink-cep raises: each rule's own {@code CEP.pattern} operator on the
 * records' raw timestamps, fed the records its filter lets through, with the cooldown applied after it, here written
 * out plainly. Over thousands of disordered zone events with late ones among them, for the shipped rules, a rule of
 * several steps and one of strict contiguity; and across a rule set version that changes, adds and removes rules at
 * an event time, where each rule's oracle is fed the records of the times the rule is in force.
 */
class ZoneRulesTest {

    private static final long BUCKET_MILLIS = 100;
    private static final Path DRIVER_EXODUS = Path.of("alerts/driver-exodus.yaml");
    private static final Path SURGE_SPIKE = Path.of("alerts/surge-spike.yaml");
    private static final Clock PROCESSING_CLOCK = CepOracle.PROCESSING_CLOCK;
    /** Three zones, 15 drivers, an event every 20 ms. */
    private static final ZoneTraffic TRAFFIC = ZoneTraffic.inZones(3)
            .withDrivers(15)
            .withRideShare(0.4)
            .withAvailableShare(0.3)
            .withEventEveryMillis(20);

    @TempDir
    Path dir;

    @Test
    void theShippedDriverExodusRuleRaisesWhatPlainCepRaises() throws Exception {
        // beyond its 2 min cooldown, several times over
        assertSameAlerts(DRIVER_EXODUS, 1, 15_000);
    }

    @Test
    void aRuleOfSeveralStepsKeepsItsTimeBoundOnTheEventsOwnTimes() throws Exception {
        assertSameAlerts(rule("rush-then-exodus", """
                name: rush-then-exodus
                input: zone-events
                steps:
                  - name: rush
                    where: kind == 'RIDE_REQUEST'
                    times: 3
                  - name: gone
                    where: kind == 'DRIVER_STATUS' && !available
                    at-least: 2
                    distinct: driver_id
                within: 1500ms
                after-match: no-skip
                summary: "{gone.count} drivers left {zone_id}"
                """), 2, 2_000);
    }

    @Test
    void strictContiguityStillEndsAPartialMatchAtTheFirstEventThatBreaksIt() throws Exception {
        assertSameAlerts(rule("back-to-back", """
                name: back-to-back
                input: zone-events
                steps:
                  - name: asked
                    where: kind == 'RIDE_REQUEST'
                  - name: left
                    contiguity: next
                    where: kind == 'DRIVER_STATUS' && !available
                    times: 2
                within: 700ms
                summary: "riders asked, drivers left {zone_id}"
                """), 3, 2_000);
    }

    /**
     * Version 0 has {@code exodus} (kept), {@code burst} (changed in version 1) and {@code quiet} (removed); version 1,
     * effective at 150 s, adds {@code asked}. Unchanged, {@code exodus} keeps its partial matches across the switch.
     */
    @Test
    void aVersionChangesAddsAndRemovesRulesAtItsEffectiveEventTime() throws Exception {
        Path exodus = DRIVER_EXODUS;
        Path burst = rule("burst", burst(3));
        Path burstChanged = Files.writeString(dir.resolve("v1-burst.yaml"), burst(4));
        Path quiet = rule("quiet", """
                name: quiet
                input: zone-events
                steps:
                  - name: back
                    where: kind == 'DRIVER_STATUS' && available
                    times: 2
                within: 1s
                summary: "drivers back in {zone_id}"
                """);
        Path asked = rule("asked", """
                name: asked
                input: zone-events
                steps:
                  - name: asked
                    where: kind == 'RIDE_REQUEST'
                  - name: again
                    where: kind == 'RIDE_REQUEST'
                within: 200ms
                summary: "asked twice in {zone_id}"
                """);
        long switchAt = Events.at(150);
        RuleSetVersion v0 = RuleVersions.version(0, Long.MIN_VALUE, List.of(exodus, burst, quiet));
        RuleSetVersion v1 = RuleVersions.version(1, switchAt, List.of(exodus, burstChanged, asked));
        List<Object> traffic = TRAFFIC.generate(7, 15_000);

        // a rule's matches on either side of the switch, in the order found: the burst of version 1 continues the
        // episodes of version 0's
        List<ZoneAlert> matches = new ArrayList<>();
        matches.addAll(CepOracle.matches(exodus, traffic, time -> true, switchAt));
        matches.addAll(CepOracle.matches(burst, traffic, time -> time < switchAt, switchAt));
        matches.addAll(CepOracle.matches(quiet, traffic, time -> time < switchAt, switchAt));
        matches.addAll(CepOracle.matches(burstChanged, traffic, time -> time >= switchAt, switchAt));
        matches.addAll(CepOracle.matches(asked, traffic, time -> time >= switchAt, switchAt));
        Map<String, Duration> resolveAfter = new HashMap<>();
        for (Path file : List.of(exodus, burst, quiet, asked)) {
            resolveAfter.putAll(CepOracle.resolveAfter(file));
        }
        List<ZoneAlert> expected = CepOracle.episodes(matches, resolveAfter);
        assertThat(expected)
                .as("every rule fires on either side of the switch")
                .extracting(ZoneAlert::rule)
                .contains("driver-exodus", "burst", "quiet", "asked");
        assertThat(expected)
                .as("episodes opened by either version")
                .extracting(ZoneAlert::ruleSetVersion)
                .contains(0L, 1L);

        try (var rules = zoneEventRules(List.of(v0), null)) {
            // the version is deployed while the job's event time is still before its switch
            feed(rules, traffic.subList(0, 200));
            rules.processElement2(new StreamRecord<>(v1));
            feed(rules, traffic.subList(200, traffic.size()));
            assertThat(sorted(rules.extractOutputValues())).isEqualTo(sorted(expected));
        }
    }

    @Test
    void aVersionThatDoesNotCompileIsRefusedAndTheRulesInForceStay() throws Exception {
        List<Object> traffic = TRAFFIC.generate(11, 2_000);
        RuleSetVersion v0 = RuleVersions.version(0, Long.MIN_VALUE, List.of(DRIVER_EXODUS));
        RuleSetVersion broken = new RuleSetVersion(
                1,
                Events.at(5),
                Map.of("exodus.yaml", "name: exodus\ninput: zone-events\nsteps: []\n"),
                "test",
                null,
                null);
        List<ZoneAlert> expected = CepOracle.episodes(
                CepOracle.matches(DRIVER_EXODUS, traffic, time -> true, Long.MAX_VALUE),
                CepOracle.resolveAfter(DRIVER_EXODUS));
        assertThat(expected).isNotEmpty();

        try (var rules = zoneEventRules(List.of(v0), null)) {
            rules.processElement2(new StreamRecord<>(broken));
            feed(rules, traffic);
            assertThat(sorted(rules.extractOutputValues())).isEqualTo(sorted(expected));
        }
    }

    @Test
    void theNotesThatADriverWasElsewhereAreNoEventOfTheZone() throws Exception {
        Path anyThree = rule("any-three", """
                name: any-three
                input: zone-events
                severity: INFO
                steps:
                  - name: seen
                    where: "true"
                    at-least: 3
                within: 10s
                summary: "{seen.count} events in {zone_id}"
                """);
        try (var rules = zoneEventRules(List.of(RuleVersions.version(0, Long.MIN_VALUE, List.of(anyThree))), null)) {
            for (ZoneEvent event : List.of(
                    Events.ride("A").at(1),
                    Events.ride("A").at(2),
                    ZoneEvent.driverElsewhere("A", Events.at(3), "d1", Long.MIN_VALUE),
                    ZoneEvent.driverElsewhere("A", Events.at(4), "d2", Long.MIN_VALUE))) {
                rules.processElement1(event, event.eventTime());
            }
            rules.processWatermark1(new Watermark(Events.at(60)));

            assertThat(rules.extractOutputValues())
                    .as("two ride requests and two notes")
                    .isEmpty();
        }
    }

    @Test
    void aPartialMatchAndADeployedVersionSurviveARestore() throws Exception {
        RuleSetVersion v0 = RuleVersions.version(0, Long.MIN_VALUE, List.of(SURGE_SPIKE));
        Path lowerSpike = Files.writeString(
                dir.resolve("spike.yaml"),
                Files.readString(SURGE_SPIKE).replace("multiplier >= 2.0", "multiplier >= 1.8"));
        RuleSetVersion v1 = RuleVersions.version(1, Events.at(60), List.of(lowerSpike));
        OperatorSubtaskState snapshot;
        try (var before = multiplierRules(List.of(v0), null)) {
            before.processElement2(new StreamRecord<>(v1));
            process(before, surge("A", 5, 5, 5, 1.0), surge("B", 5, 9, 3, 3.0));
            before.processWatermark1(new Watermark(Events.at(6)));
            assertThat(before.extractOutputValues())
                    .as("only a partial match so far")
                    .isEmpty();
            snapshot = TaskCheckpoints.take(before);
        }

        try (var after = multiplierRules(List.of(v0), snapshot)) {
            process(after, surge("A", 10, 20, 5, 4.0), surge("C", 65, 5, 5, 1.0), surge("C", 70, 10, 4, 1.9));
            after.processWatermark1(new Watermark(Events.at(100)));

            assertThat(after.extractOutputValues())
                    .hasSize(2)
                    .satisfiesExactlyInAnyOrder(
                            alert -> {
                                assertThat(alert.zoneId()).isEqualTo("A");
                                assertThat(alert.firstEventTime()).isEqualTo(Events.at(5));
                                assertThat(alert.ruleSetVersion()).isZero();
                            },
                            alert -> {
                                assertThat(alert.zoneId())
                                        .as("the restored version 1 lowered the spike to 1.8x")
                                        .isEqualTo("C");
                                assertThat(alert.ruleSetVersion()).isEqualTo(1);
                            });
        }
    }

    @Test
    void aVersionThatCannotBeReadIsRefusedAtStartAndLiveAndTheVersionInForceStays() throws Exception {
        RuleSetVersion v0 = RuleVersions.version(0, Long.MIN_VALUE, List.of(SURGE_SPIKE));
        // as anyone who can write to the rules topic could publish them: a YAML bomb, a name Path cannot take
        RuleSetVersion bomb = new RuleSetVersion(
                1,
                Events.at(0),
                Map.of("bomb.yaml", "a: &a [x]\nb: [" + "*a, ".repeat(60) + "*a]\n"),
                "someone",
                null,
                null);
        RuleSetVersion nul = new RuleSetVersion(
                2, Events.at(0), Map.of("spike\u0000.yaml", Files.readString(SURGE_SPIKE)), "someone", null, null);
        try (var rules = multiplierRules(List.of(v0, bomb), null)) {
            rules.processElement2(new StreamRecord<>(nul));
            process(rules, surge("A", 5, 5, 5, 1.0), surge("A", 10, 20, 5, 4.0));
            rules.processWatermark1(new Watermark(Events.at(60)));

            assertThat(rules.extractOutputValues())
                    .singleElement()
                    .satisfies(alert -> assertThat(alert.ruleSetVersion())
                            .as("the version in force")
                            .isZero());
        }
    }

    @Test
    void withTrustedKeysOnlyVersionsSignedByOneAreTaken() throws Exception {
        String pair = TrustedKeys.generate();
        RuleSetVersion v0 = RuleVersions.version(0, Long.MIN_VALUE, List.of(SURGE_SPIKE));
        Path lowerSpike = Files.writeString(
                dir.resolve("spike.yaml"),
                Files.readString(SURGE_SPIKE).replace("multiplier >= 2.0", "multiplier >= 1.8"));
        RuleSetVersion unsigned = RuleVersions.version(1, Events.at(60), List.of(lowerSpike));
        RuleSetVersion signed =
                TrustedKeys.signer(pair).sign(RuleVersions.version(2, Events.at(120), List.of(lowerSpike)));
        try (var rules = multiplierRules(List.of(v0), TrustedKeys.parse(TrustedKeys.publicPart(pair)), null)) {
            rules.processElement2(new StreamRecord<>(unsigned));
            rules.processElement2(new StreamRecord<>(signed));
            process(
                    rules,
                    surge("C", 65, 5, 5, 1.0),
                    surge("C", 70, 10, 4, 1.9),
                    surge("D", 125, 5, 5, 1.0),
                    surge("D", 130, 10, 4, 1.9));
            rules.processWatermark1(new Watermark(Events.at(200)));

            assertThat(rules.extractOutputValues()).singleElement().satisfies(alert -> {
                assertThat(alert.zoneId())
                        .as("the unsigned version 1 refused, version 0 in force")
                        .isEqualTo("D");
                assertThat(alert.ruleSetVersion()).isEqualTo(2);
            });
        }
    }

    @Test
    void aRuleGoneFromTheRestoredRulesIsClearedInEveryZone() throws Exception {
        Path collapse = Path.of("alerts/supply-collapse.yaml");
        RuleSetVersion both = RuleVersions.version(0, Long.MIN_VALUE, List.of(SURGE_SPIKE, collapse));
        String collapseState = "rule:" + RuleMatcher.identity(RuleParser.parse(collapse)) + ":sequences";
        OperatorSubtaskState snapshot;
        try (var before = multiplierRules(List.of(both), null)) {
            // supply falling in two zones: partial matches of supply-collapse
            process(before, surge("A", 5, 5, 10, 1.0), surge("B", 5, 5, 10, 1.0));
            before.processWatermark1(new Watermark(Events.at(6)));
            assertThat(zonesWithState(before, collapseState)).isEqualTo(2);
            snapshot = TaskCheckpoints.take(before);
        }

        RuleSetVersion spikeOnly = RuleVersions.version(0, Long.MIN_VALUE, List.of(SURGE_SPIKE));
        try (var after = multiplierRules(List.of(spikeOnly), snapshot)) {
            assertThat(zonesWithState(after, collapseState))
                    .as("the removed rule's partial matches")
                    .isZero();
            process(after, surge("A", 10, 5, 2, 1.0));
            after.processWatermark1(new Watermark(Events.at(100)));
            assertThat(after.extractOutputValues())
                    .as("the removed rule raises nothing")
                    .isEmpty();
        }
    }

    @Test
    void aRetiredRulesStateIsClearedOnceTheWatermarkPassesTheSwitch() throws Exception {
        Path collapse = Path.of("alerts/supply-collapse.yaml");
        RuleSetVersion v0 = RuleVersions.version(0, Long.MIN_VALUE, List.of(SURGE_SPIKE, collapse));
        RuleSetVersion v1 = RuleVersions.version(1, Events.at(30), List.of(SURGE_SPIKE));
        String collapseState = "rule:" + RuleMatcher.identity(RuleParser.parse(collapse)) + ":sequences";
        try (var rules = multiplierRules(List.of(v0), null)) {
            rules.processElement2(new StreamRecord<>(v1));
            process(rules, surge("A", 25, 5, 10, 1.0), surge("B", 25, 5, 10, 1.0));
            rules.processWatermark1(new Watermark(Events.at(29)));
            assertThat(zonesWithState(rules, collapseState))
                    .as("before the switch")
                    .isEqualTo(2);
            rules.processWatermark1(new Watermark(Events.at(31)));
            assertThat(zonesWithState(rules, collapseState))
                    .as("after the switch")
                    .isZero();
        }
    }

    /** Once every partial match and episode is over, the zones keep no state of the rules: quiet zones cost nothing. */
    @Test
    void zonesThatWentQuietKeepNoRuleState() throws Exception {
        Path rushThenExodus = rule("rush-then-exodus", """
                name: rush-then-exodus
                input: zone-events
                steps:
                  - name: rush
                    where: kind == 'RIDE_REQUEST'
                    times: 3
                  - name: gone
                    where: kind == 'DRIVER_STATUS' && !available
                within: 1500ms
                summary: "riders asked, then a driver left {zone_id}"
                """);
        try (var rules = zoneEventRules(
                List.of(RuleVersions.version(0, Long.MIN_VALUE, List.of(DRIVER_EXODUS, rushThenExodus))), null)) {
            List<Object> traffic = TRAFFIC.generate(4, 3_000);
            feed(rules, traffic.subList(0, traffic.size() - 1));
            assertThat(rules.extractOutputValues()).as("alerts raised").isNotEmpty();
            String counted = "rule:" + RuleMatcher.identity(RuleParser.parse(DRIVER_EXODUS)) + ":";
            String nfa = "rule:" + RuleMatcher.identity(RuleParser.parse(rushThenExodus)) + ":";
            // the operator's own states, the counted rule's records, flink-cep's NFA state and shared buffer
            List<String> states = List.of(
                    "records-by-time",
                    "episodes",
                    "planned-rules-in-flight",
                    counted + "counted",
                    nfa + "nfa",
                    nfa + "sharedBuffer-events",
                    nfa + "sharedBuffer-entries-with-lockable-edges",
                    nfa + "sharedBuffer-events-count");
            for (String state : states) {
                assertThat(zonesWithState(rules, state))
                        .as("zones with %s while the traffic lasts", state)
                        .isPositive();
            }
            feed(rules, traffic.subList(traffic.size() - 1, traffic.size()));
            for (String state : states) {
                assertThat(zonesWithState(rules, state))
                        .as("zones with %s", state)
                        .isZero();
            }
            assertThat(rules.numEventTimeTimers()).as("timers").isZero();
        }
    }

    /** A rule on multipliers whose episodes resolve after 20 s without a match. */
    private static final String HIGH = """
            name: high
            input: multipliers
            steps:
              - name: high
                where: multiplier >= 3.0
            within: 5s
            resolve-after: 20s
            summary: "{zone_id} at {high.multiplier}x"
            """;

    @Test
    void aMatchJustUnderResolveAfterContinuesTheEpisodeAndOneJustOverOpensANewOne() throws Exception {
        RuleSetVersion v0 = RuleVersions.version(0, Long.MIN_VALUE, List.of(rule("high", HIGH)));
        try (var rules = multiplierRules(List.of(v0), null)) {
            // 19.999 s, 19.999 s, then exactly 20 s after the latest match
            process(
                    rules,
                    surge("A", 10, 9, 3, 3.0),
                    surge("A", 29.999, 9, 3, 3.0),
                    surge("A", 49.998, 9, 3, 3.0),
                    surge("A", 69.998, 9, 3, 3.0));
            rules.processWatermark1(new Watermark(Events.at(200)));

            List<ZoneAlert> written = rules.extractOutputValues();
            assertThat(written)
                    .extracting(ZoneAlert::status)
                    .containsExactly(
                            AlertStatus.FIRING, AlertStatus.RESOLVED, AlertStatus.FIRING, AlertStatus.RESOLVED);
            ZoneAlert first = written.get(0);
            assertThat(first.episodeId()).isEqualTo(first.alertId());
            assertThat(first.episodeMatches()).isEqualTo(1);
            assertThat(first.resolvedAt()).isNull();
            assertThat(written.get(1)).satisfies(resolved -> {
                assertThat(resolved.episodeId()).isEqualTo(first.alertId());
                assertThat(resolved.firstEventTime()).isEqualTo(Events.at(10));
                assertThat(resolved.lastEventTime()).isEqualTo(Events.at(49.998));
                assertThat(resolved.resolvedAt()).isEqualTo(Events.at(69.998));
                assertThat(resolved.episodeMatches()).isEqualTo(3);
            });
            assertThat(written.get(2).firstEventTime()).isEqualTo(Events.at(69.998));
            assertThat(written.get(3)).satisfies(resolved -> {
                assertThat(resolved.episodeId()).isEqualTo(written.get(2).alertId());
                assertThat(resolved.resolvedAt()).isEqualTo(Events.at(89.998));
                assertThat(resolved.episodeMatches()).isEqualTo(1);
            });
            assertThat(written).extracting(ZoneAlert::alertId).doesNotHaveDuplicates();
        }
    }

    @Test
    void aZoneThatGoesQuietResolvesOnceNoMatchCanContinueItsEpisode() throws Exception {
        RuleSetVersion v0 = RuleVersions.version(0, Long.MIN_VALUE, List.of(rule("high", HIGH)));
        try (var rules = multiplierRules(List.of(v0), null)) {
            process(rules, surge("B", 10, 9, 3, 3.0));
            // resolves at 30 s; a match ending before then could still be found until the 5 s window has passed
            rules.processWatermark1(new Watermark(Events.at(35)));
            assertThat(rules.extractOutputValues())
                    .extracting(ZoneAlert::status)
                    .containsExactly(AlertStatus.FIRING);
            rules.processWatermark1(new Watermark(Events.at(35.001)));
            assertThat(rules.extractOutputValues())
                    .extracting(ZoneAlert::status)
                    .containsExactly(AlertStatus.FIRING, AlertStatus.RESOLVED);
            assertThat(rules.extractOutputValues().get(1).resolvedAt()).isEqualTo(Events.at(30));
        }
    }

    /** A version that removes the rule while its episode is open does not keep the episode open in a quiet zone. */
    @Test
    void anEpisodeWhoseRuleAVersionRemovesStillResolves() throws Exception {
        RuleSetVersion v0 = RuleVersions.version(0, Long.MIN_VALUE, List.of(rule("high", HIGH)));
        RuleSetVersion v1 = RuleVersions.version(1, Events.at(15), List.of(SURGE_SPIKE));
        try (var rules = multiplierRules(List.of(v0), null)) {
            rules.processElement2(new StreamRecord<>(v1));
            process(rules, surge("A", 10, 9, 3, 3.0));
            // resolves at 30 s; settled by the 5 s window of the rule that matched, whatever is in force by then
            rules.processWatermark1(new Watermark(Events.at(35.001)));

            assertThat(rules.extractOutputValues())
                    .extracting(ZoneAlert::status)
                    .containsExactly(AlertStatus.FIRING, AlertStatus.RESOLVED);
            assertThat(zonesWithState(rules, "episodes")).isZero();
            assertThat(rules.numEventTimeTimers()).isZero();
        }
    }

    /**
     * Version 1 lowers the threshold and lengthens resolve-after: its matches continue the episode version 0 opened,
     * which then resolves by the new resolve-after, with the version that opened it.
     */
    @Test
    void aVersionSwitchInsideAnEpisodeContinuesIt() throws Exception {
        Path v0File = rule("high", HIGH.replace("resolve-after: 20s", "resolve-after: 30s"));
        Path v1File = Files.writeString(
                dir.resolve("v1-high.yaml"),
                HIGH.replace("multiplier >= 3.0", "multiplier >= 2.0")
                        .replace("resolve-after: 20s", "resolve-after: 60s"));
        RuleSetVersion v0 = RuleVersions.version(0, Long.MIN_VALUE, List.of(v0File));
        RuleSetVersion v1 = RuleVersions.version(1, Events.at(40), List.of(v1File));
        try (var rules = multiplierRules(List.of(v0), null)) {
            rules.processElement2(new StreamRecord<>(v1));
            process(
                    rules,
                    surge("A", 10, 9, 3, 3.5),
                    surge("A", 30, 9, 4, 2.5),
                    surge("A", 38, 9, 3, 3.2),
                    surge("A", 45, 9, 4, 2.5),
                    surge("A", 100, 9, 4, 2.5));
            rules.processWatermark1(new Watermark(Events.at(300)));

            assertThat(rules.extractOutputValues())
                    .satisfiesExactly(
                            firing -> assertThat(firing.ruleSetVersion()).isZero(), resolved -> {
                                assertThat(resolved.status()).isEqualTo(AlertStatus.RESOLVED);
                                assertThat(resolved.episodeMatches())
                                        .as("at 10, 38, 45 and 100 s")
                                        .isEqualTo(4);
                                assertThat(resolved.resolvedAt())
                                        .as("by version 1's resolve-after")
                                        .isEqualTo(Events.at(160));
                                assertThat(resolved.ruleSetVersion())
                                        .as("the version that opened it")
                                        .isZero();
                            });
        }
    }

    @Test
    void anEpisodeOpenAtACheckpointContinuesAfterTheRestore() throws Exception {
        RuleSetVersion v0 = RuleVersions.version(0, Long.MIN_VALUE, List.of(rule("high", HIGH)));
        OperatorSubtaskState snapshot;
        ZoneAlert firing;
        try (var before = multiplierRules(List.of(v0), null)) {
            process(before, surge("A", 10, 9, 3, 3.0));
            before.processWatermark1(new Watermark(Events.at(11)));
            firing = before.extractOutputValues().get(0);
            snapshot = TaskCheckpoints.take(before);
        }

        try (var after = multiplierRules(List.of(v0), snapshot)) {
            process(after, surge("A", 25, 9, 3, 3.0), surge("A", 40, 9, 3, 3.0));
            after.processWatermark1(new Watermark(Events.at(100)));

            assertThat(after.extractOutputValues()).singleElement().satisfies(resolved -> {
                assertThat(resolved.status()).isEqualTo(AlertStatus.RESOLVED);
                assertThat(resolved.episodeId()).isEqualTo(firing.alertId());
                assertThat(resolved.episodeMatches()).isEqualTo(3);
                assertThat(resolved.resolvedAt()).isEqualTo(Events.at(60));
            });
            assertThat(zonesWithState(after, "episodes")).isZero();
        }
    }

    /** Episodes that resolve after 1.5 s of the exodus rule's 10 s: many, with gaps on either side of it. */
    @Test
    void manyShortEpisodesAreThoseOfPlainCepsMatches() throws Exception {
        assertSameAlerts(
                rule("exodus", Files.readString(DRIVER_EXODUS).replace("resolve-after: 2min", "resolve-after: 1500ms")),
                5,
                15_000);
    }

    private static String burst(int requests) {
        return """
                name: burst
                input: zone-events
                steps:
                  - name: asked
                    where: kind == 'RIDE_REQUEST'
                    times: %d
                within: 300ms
                summary: "{asked.count} requests in {zone_id}"
                """.formatted(requests);
    }

    /** The rules operator's episodes on the traffic are those of plain CEP's matches (there must be several). */
    private void assertSameAlerts(Path rule, long seed, int events) throws Exception {
        List<Object> traffic = TRAFFIC.generate(seed, events);
        assertThat(lateEvents(traffic))
                .as("the traffic includes events behind the watermark")
                .isPositive();
        List<ZoneAlert> matches = CepOracle.matches(rule, traffic, time -> true, Long.MAX_VALUE);
        List<ZoneAlert> expected = CepOracle.episodes(matches, CepOracle.resolveAfter(rule));
        long episodes = expected.stream().filter(ZoneAlert::resolved).count();
        assertThat(episodes).as("episodes, one per zone at least").isGreaterThanOrEqualTo(3);
        assertThat(matches).as("matches that continued an episode").hasSizeGreaterThan((int) episodes);
        try (var rules = zoneEventRules(List.of(RuleVersions.version(0, Long.MIN_VALUE, List.of(rule))), null)) {
            feed(rules, traffic);
            assertThat(sorted(rules.extractOutputValues())).isEqualTo(sorted(expected));
        }
    }

    private static long lateEvents(List<Object> traffic) {
        long watermark = Long.MIN_VALUE;
        long late = 0;
        for (Object element : traffic) {
            if (element instanceof Watermark mark) {
                watermark = mark.getTimestamp();
            } else if (((StreamRecord<?>) element).getTimestamp() <= watermark) {
                late++;
            }
        }
        return late;
    }

    @SuppressWarnings("unchecked")
    static <T> void feed(
            KeyedTwoInputStreamOperatorTestHarness<String, T, RuleSetVersion, ZoneAlert> rules, List<Object> elements)
            throws Exception {
        for (Object element : elements) {
            if (element instanceof Watermark mark) {
                rules.processWatermark1(mark);
            } else {
                rules.processElement1((StreamRecord<T>) element);
            }
        }
    }

    private static void process(
            KeyedTwoInputStreamOperatorTestHarness<String, ZoneSurge, RuleSetVersion, ZoneAlert> rules,
            ZoneSurge... surges)
            throws Exception {
        for (ZoneSurge surge : surges) {
            // as the windows emit them: stamped with the window's last millisecond
            rules.processElement1(surge, surge.windowEnd() - 1);
        }
    }

    private static List<ZoneAlert> sorted(List<ZoneAlert> alerts) {
        return alerts.stream().sorted(Comparator.comparing(ZoneAlert::alertId)).toList();
    }

    private Path rule(String name, String yaml) throws Exception {
        return Files.writeString(dir.resolve(name + ".yaml"), yaml);
    }

    /** The zones that hold the state in what a checkpoint taken now would hold. */
    private static long zonesWithState(KeyedTwoInputStreamOperatorTestHarness<String, ?, ?, ?> harness, String state)
            throws Exception {
        harness.prepareSnapshotPreBarrier(0L);
        try (var keys = harness.getOperator().getKeyedStateBackend().getKeys(state, VoidNamespace.INSTANCE)) {
            return keys.count();
        }
    }

    static KeyedTwoInputStreamOperatorTestHarness<String, ZoneEvent, RuleSetVersion, ZoneAlert> zoneEventRules(
            List<RuleSetVersion> known, OperatorSubtaskState restoreFrom) throws Exception {
        return harness(
                new ZoneRules<>(
                        RuleInput.ZONE_EVENTS,
                        serializer(ZoneEvent.class),
                        known,
                        TrustedKeys.ANYONE,
                        BUCKET_MILLIS,
                        PROCESSING_CLOCK),
                ZoneEvent::zoneId,
                restoreFrom);
    }

    static KeyedTwoInputStreamOperatorTestHarness<String, ZoneSurge, RuleSetVersion, ZoneAlert> multiplierRules(
            List<RuleSetVersion> known, OperatorSubtaskState restoreFrom) throws Exception {
        return multiplierRules(known, TrustedKeys.ANYONE, restoreFrom);
    }

    private static KeyedTwoInputStreamOperatorTestHarness<String, ZoneSurge, RuleSetVersion, ZoneAlert> multiplierRules(
            List<RuleSetVersion> known, TrustedKeys trusted, OperatorSubtaskState restoreFrom) throws Exception {
        return harness(
                new ZoneRules<>(
                        RuleInput.MULTIPLIERS, serializer(ZoneSurge.class), known, trusted, 1, PROCESSING_CLOCK),
                ZoneSurge::zoneId,
                restoreFrom);
    }

    /** The operator on RocksDB; rule set versions carry no zone, and the harness keys them all alike. */
    private static <T> KeyedTwoInputStreamOperatorTestHarness<String, T, RuleSetVersion, ZoneAlert> harness(
            ZoneRules<T> rules, KeySelector<T, String> zone, OperatorSubtaskState restoreFrom) throws Exception {
        var harness = new KeyedTwoInputStreamOperatorTestHarness<>(rules, zone, version -> "", Types.STRING);
        harness.setStateBackend(new EmbeddedRocksDBStateBackend());
        if (restoreFrom != null) {
            harness.initializeState(restoreFrom);
        }
        harness.open();
        return harness;
    }

    static <T> TypeSerializer<T> serializer(Class<T> type) {
        return TypeInformation.of(type)
                .createSerializer(StreamExecutionEnvironment.getExecutionEnvironment()
                        .getConfig()
                        .getSerializerConfig());
    }
}
