package io.surge.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.surge.alerts.RulePlan.Shape;
import io.surge.pricing.ZoneSurge;
import io.surge.testing.Events;
import io.surge.testing.RuleVersions;
import io.surge.testing.SurgeResults;
import io.surge.testing.TaskCheckpoints;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A rule planned for its shape ({@link RulePlan}) raises what flink-cep's NFA raises for it ({@link CepOracle}),
 * record for record: on disordered zone events with late records, many records of one millisecond and many pairs
 * exactly a window apart, and on multipliers; across restores taken while zones are in the middle of a match, and
 * across a version that changes the rule. The traffic is checked to tell each rule from the same rule one record or
 * one step shorter, and from the same rule waiting 1 ms longer, so a plan wrong by one cannot pass.
 */
class PlannedRulesTest {

    /**
     * Four zones and 8 drivers; 10 s of bursts, an event every 25 ms, then 10 s of lull keeping one event in six, so
     * matches come easily, barely and not at all. Times lie on a 50 ms grid, so that many records share a
     * millisecond and many pairs are a whole window apart.
     */
    private static final ZoneTraffic ZONE_EVENTS = ZoneTraffic.inZones(4)
            .withDrivers(8)
            .withRideShare(0.3)
            .withAvailableShare(0.4)
            .withEventEveryMillis(25)
            .onGridMillis(50)
            .withLulls(10_000, 6);

    /**
     * Rules of either planned shape, each of a size (a count, or its number of steps) and a time bound that the tests
     * change by one.
     */
    private static final Map<String, Template> RULES = Map.of(
            "exodus",
            new Template(Shape.COUNT, 4, 2_000, """
                    input: zone-events
                    filter: kind == 'DRIVER_STATUS' && !available
                    resolve-after: 3s
                    summary: "{gone.count} drivers left {zone_id} within {duration}"
                    """, List.of("""
                              - name: gone
                                where: "true"
                                at-least: %d
                                distinct: driver_id
                            """)),
            "requests",
            new Template(Shape.COUNT, 3, 1_000, """
                    input: zone-events
                    resolve-after: 2s
                    summary: "{asked.count} requests in {zone_id}"
                    """, List.of("""
                              - name: asked
                                where: kind == 'RIDE_REQUEST'
                                times: %d
                            """)),
            "returns",
            new Template(Shape.COUNT, 3, 1_500, """
                    input: zone-events
                    filter: kind == 'DRIVER_STATUS'
                    resolve-after: 2s
                    summary: "{back.count} drivers back in {zone_id}"
                    """, List.of("""
                              - name: back
                                where: available
                                at-least: %d
                            """)),
            "left-back-left",
            new Template(Shape.SEQUENCE, 3, 2_000, """
                    input: zone-events
                    filter: kind == 'DRIVER_STATUS'
                    resolve-after: 2s
                    summary: "{left.driver_id} left {zone_id} and came back"
                    """, List.of("""
                              - name: left
                                where: "!available"
                            """, """
                              - name: back
                                where: available && driver_id == left.driver_id
                            """, """
                              - name: again
                                where: "!available && driver_id == back.driver_id"
                            """)),
            "asked-then-gone",
            new Template(Shape.SEQUENCE, 2, 500, """
                    input: zone-events
                    resolve-after: 1s
                    summary: "a rider asked and a driver left {zone_id}"
                    """, List.of("""
                              - name: asked
                                where: kind == 'RIDE_REQUEST'
                            """, """
                              - name: gone
                                where: kind == 'DRIVER_STATUS' && !available
                            """)),
            "spike",
            new Template(Shape.SEQUENCE, 2, 30_000, """
                    input: multipliers
                    resolve-after: 40s
                    summary: "{zone_id} was at {calm.multiplier}x"
                    """, List.of("""
                              - name: calm
                                where: multiplier <= 1.5
                            """, """
                              - name: spike
                                where: multiplier >= 2.0 && pooled_demand >= 10
                            """)),
            "collapse",
            new Template(Shape.SEQUENCE, 2, 15_000, """
                    input: multipliers
                    resolve-after: 20s
                    summary: "{zone_id} had {healthy.supply} drivers"
                    """, List.of("""
                              - name: healthy
                                where: supply >= 5
                            """, """
                              - name: collapsed
                                where: supply <= 0.3 * healthy.supply
                            """)));

    @TempDir
    Path dir;

    @Test
    void theShippedRulesArePlannedForTheirShape() {
        assertThat(RuleParser.parseDirectory(Path.of("alerts")))
                .extracting(AlertRule::name, rule -> RulePlan.of(rule).shape())
                .containsExactlyInAnyOrder(
                        tuple("driver-exodus", Shape.COUNT),
                        tuple("supply-collapse", Shape.SEQUENCE),
                        tuple("surge-spike", Shape.SEQUENCE));
    }

    @Test
    void rulesOfNoPlannedShapeStayOnTheNfaAndSayWhy() throws Exception {
        Template exodus = RULES.get("exodus");
        Template sequence = RULES.get("left-back-left");
        assertThat(RulePlan.of(parse(exodus.yaml("exodus", 4, "2s") + "after-match: no-skip\n")))
                .isEqualTo(new RulePlan(Shape.NFA, "flink-cep NFA: after-match no-skip keeps every overlapping match"));
        assertThat(RulePlan.of(parse(sequence.yaml("strict", 3, "2s")
                        .replace("  - name: back\n", "  - name: back\n    contiguity: next\n"))))
                .isEqualTo(new RulePlan(Shape.NFA, "flink-cep NFA: step 'back' must come next (contiguity: next)"));
        assertThat(RulePlan.of(parse(sequence.yaml("repeated", 3, "2s")
                        .replace("    where: available &&", "    times: 2\n    where: available &&"))))
                .isEqualTo(new RulePlan(Shape.NFA, "flink-cep NFA: step 'back' takes 2 records within a sequence"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"exodus", "requests", "returns", "left-back-left", "asked-then-gone", "spike", "collapse"})
    void aPlannedRuleRaisesWhatTheNfaRaisesAcrossRestores(String name) throws Exception {
        Template template = RULES.get(name);
        Path rule = rule(name, template.size(), template.withinMillis());
        assertThat(RulePlan.of(RuleParser.parse(rule)).shape()).isEqualTo(template.shape());
        List<Object> traffic = traffic(RuleParser.parse(rule).input(), 11);

        List<ZoneAlert> matches = CepOracle.matches(rule, traffic, time -> true, Long.MAX_VALUE);
        assertThat(matches).as("matches").hasSizeGreaterThan(20);
        assertTellsApart(traffic, matches, rule(name, template.size() - 1, template.withinMillis()), "one shorter");
        assertTellsApart(traffic, matches, rule(name, template.size(), template.withinMillis() + 1), "1 ms longer");
        List<ZoneAlert> expected = CepOracle.episodes(matches, CepOracle.resolveAfter(rule));

        RuleSetVersion v0 = RuleVersions.version(0, Long.MIN_VALUE, List.of(rule));
        assertThat(restoredEvery(List.of(v0), traffic, null, List.of(rule))).isEqualTo(sorted(expected));
    }

    /** Version 1 makes the rule one shorter from its effective time on: its own matching, begun at the switch. */
    @ParameterizedTest
    @ValueSource(strings = {"exodus", "left-back-left"})
    void aVersionThatChangesTheRuleBeginsItsOwnMatchingAtItsSwitch(String name) throws Exception {
        Template template = RULES.get(name);
        Path before = rule(name, template.size(), template.withinMillis());
        Path after = rule(name, template.size() - 1, template.withinMillis());
        List<Object> traffic = traffic(RuleInput.ZONE_EVENTS, 13);
        long switchAt = Events.at(150);
        List<ZoneAlert> matches = new ArrayList<>();
        matches.addAll(CepOracle.matches(before, traffic, time -> time < switchAt, switchAt));
        matches.addAll(CepOracle.matches(after, traffic, time -> time >= switchAt, switchAt));
        List<ZoneAlert> expected = CepOracle.episodes(matches, CepOracle.resolveAfter(before));
        assertThat(expected).extracting(ZoneAlert::ruleSetVersion).contains(0L, 1L);

        RuleSetVersion v0 = RuleVersions.version(0, Long.MIN_VALUE, List.of(before));
        RuleSetVersion v1 = RuleVersions.version(1, switchAt, List.of(after));
        assertThat(restoredEvery(List.of(v0), traffic, v1, List.of(before, after)))
                .isEqualTo(sorted(expected));
    }

    /**
     * Feeds the traffic to the rules operator, taking a checkpoint and restoring from it eight times on the way;
     * deploys {@code deployed}, if any, after the first 200 elements. Checks that some restores came while a zone was
     * in the middle of a match.
     *
     * @return every alert written, by id
     */
    @SuppressWarnings("unchecked")
    private static List<ZoneAlert> restoredEvery(
            List<RuleSetVersion> known, List<Object> traffic, RuleSetVersion deployed, List<Path> planned)
            throws Exception {
        boolean zoneEvents = RuleParser.parse(planned.get(0)).input() == RuleInput.ZONE_EVENTS;
        int restoreEvery = traffic.size() / 8 + 1;
        List<ZoneAlert> written = new ArrayList<>();
        OperatorSubtaskState snapshot = null;
        int restoresMidMatch = 0;
        for (int from = 0; from < traffic.size(); from += restoreEvery) {
            try (KeyedTwoInputStreamOperatorTestHarness<String, Object, RuleSetVersion, ZoneAlert> rules =
                    (KeyedTwoInputStreamOperatorTestHarness<String, Object, RuleSetVersion, ZoneAlert>) (Object)
                            (zoneEvents
                                    ? ZoneRulesTest.zoneEventRules(known, snapshot)
                                    : ZoneRulesTest.multiplierRules(known, snapshot))) {
                List<Object> part = traffic.subList(from, Math.min(traffic.size(), from + restoreEvery));
                if (from == 0 && deployed != null) {
                    ZoneRulesTest.feed(rules, part.subList(0, 200));
                    rules.processElement2(new StreamRecord<>(deployed));
                    ZoneRulesTest.feed(rules, part.subList(200, part.size()));
                } else {
                    ZoneRulesTest.feed(rules, part);
                }
                written.addAll(rules.extractOutputValues());
                if (zonesMidMatch(rules, planned) > 0) {
                    restoresMidMatch++;
                }
                snapshot = TaskCheckpoints.take(rules);
            }
        }
        assertThat(restoresMidMatch)
                .as("restores while a zone was in the middle of a match")
                .isPositive();
        return sorted(written);
    }

    /** The zones holding records of a count or a sequence begun, of any of the rules. */
    private static long zonesMidMatch(KeyedTwoInputStreamOperatorTestHarness<String, ?, ?, ?> rules, List<Path> planned)
            throws Exception {
        rules.prepareSnapshotPreBarrier(0L);
        long zones = 0;
        for (Path file : planned) {
            AlertRule rule = RuleParser.parse(file);
            String state = "rule:" + RuleMatcher.identity(rule) + ":"
                    + (RulePlan.of(rule).shape() == Shape.COUNT ? "counted" : "sequences");
            try (var keys = rules.getOperator().getKeyedStateBackend().getKeys(state, VoidNamespace.INSTANCE)) {
                zones += keys.count();
            }
        }
        return zones;
    }

    private static void assertTellsApart(List<Object> traffic, List<ZoneAlert> matches, Path other, String what)
            throws Exception {
        assertThat(CepOracle.matches(other, traffic, time -> true, Long.MAX_VALUE).stream()
                        .map(ZoneAlert::alertId)
                        .toList())
                .as("the traffic tells the rule from the same rule %s", what)
                .isNotEqualTo(matches.stream().map(ZoneAlert::alertId).toList());
    }

    private static List<Object> traffic(RuleInput input, long seed) {
        return input == RuleInput.ZONE_EVENTS ? ZONE_EVENTS.generate(seed, 12_000) : multipliers(seed, 400);
    }

    /**
     * Six zones' results of every 5 s window end, as the pricing stage emits them: in window order, stamped with the
     * window's last millisecond, the watermark after each end. Demand, supply and the price jump at random, so calm
     * and high prices, healthy and collapsed supply alternate within seconds.
     */
    private static List<Object> multipliers(long seed, int windowEnds) {
        Random random = new Random(seed);
        double[] prices = {1.0, 1.2, 1.5, 1.8, 2.0, 2.5, 3.0};
        List<Object> traffic = new ArrayList<>();
        for (int end = 1; end <= windowEnds; end++) {
            for (int zone = 0; zone < 6; zone++) {
                ZoneSurge surge = SurgeResults.surge(
                        "zone-" + zone,
                        end * 5.0,
                        random.nextInt(30),
                        random.nextInt(12),
                        prices[random.nextInt(prices.length)]);
                traffic.add(new StreamRecord<>(surge, surge.windowEnd() - 1));
            }
            traffic.add(new Watermark(Events.at(end * 5.0) - 1));
        }
        traffic.add(new Watermark(Long.MAX_VALUE));
        return traffic;
    }

    private Path rule(String name, int size, long withinMillis) throws Exception {
        return Files.writeString(
                dir.resolve(name + "-" + size + "-" + withinMillis + ".yaml"),
                RULES.get(name).yaml(name, size, withinMillis + "ms"));
    }

    private AlertRule parse(String yaml) throws Exception {
        return RuleParser.parse(Files.writeString(dir.resolve("rule.yaml"), yaml));
    }

    private static List<ZoneAlert> sorted(List<ZoneAlert> alerts) {
        return alerts.stream().sorted(Comparator.comparing(ZoneAlert::alertId)).toList();
    }

    /**
     * A rule's file: a count's one step with the count as {@code %d}, or a sequence's steps, of which it takes the
     * first {@code size}.
     */
    private record Template(Shape shape, int size, long withinMillis, String rest, List<String> steps) {

        String yaml(String name, int size, String within) {
            String declared = shape == Shape.COUNT
                    ? steps.get(0).formatted(size)
                    : IntStream.range(0, size).mapToObj(steps::get).collect(Collectors.joining());
            return "name: " + name + "\nsteps:\n" + declared + "within: " + within + "\n" + rest;
        }
    }
}
