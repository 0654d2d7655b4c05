package io.surge.alerts;

import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.util.TimeUtils;

/**
 * How a rule is matched, chosen when it is compiled. With {@code skip-past-last-event}, a rule of one step is a count
 * within its time bound, and a rule of steps that each take one record is a sequence whose every beginning has one
 * way to go on: both are matched per zone without an NFA ({@link CountingRuleMatcher}, {@link SequenceRuleMatcher}).
 * Every other rule runs on flink-cep's NFA. All raise the same alerts from the same records.
 *
 * @param shape how the rule runs
 * @param explanation one sentence for {@code surge rules check --explain}: the plan, or why no shape fits the rule
 */
public record RulePlan(Shape shape, String explanation) {

    /** How a rule runs. */
    public enum Shape {
        /** One step: a count, distinct or not, within the time bound. */
        COUNT,
        /** Steps of one record each, none strict: one partial match per beginning, which takes the first fit. */
        SEQUENCE,
        /** flink-cep's NFA, for everything else. */
        NFA
    }

    /** The plan for a checked rule. */
    public static RulePlan of(AlertRule rule) {
        if (rule.afterMatch() != AlertRule.AfterMatch.SKIP_PAST_LAST_EVENT) {
            return nfa("after-match " + rule.afterMatch().wireName() + " keeps every overlapping match");
        }
        String within = " within " + TimeUtils.formatWithHighestUnit(rule.within());
        List<RuleStep> steps = rule.steps();
        if (steps.size() == 1) {
            RuleStep step = steps.get(0);
            String records = step.times() == 1
                    ? "a record"
                    : step.times() + (step.distinct() != null ? " records of distinct " + step.distinct() : " records");
            return new RulePlan(
                    Shape.COUNT,
                    "counted: per zone, " + records + meeting(step) + within + " of the first; a match ends the count");
        }
        for (RuleStep step : steps) {
            if (step.times() > 1) {
                return nfa("step '" + step.name() + "' takes " + step.times() + " records within a sequence");
            }
            if (step.strict()) {
                return nfa("step '" + step.name() + "' must come next (contiguity: next)");
            }
        }
        return new RulePlan(
                Shape.SEQUENCE,
                "sequence: per zone, from each record" + meeting(steps.get(0)) + ", the first record after it"
                        + steps.subList(1, steps.size()).stream()
                                .map(RulePlan::meeting)
                                .collect(Collectors.joining(", then the first after that"))
                        + within + "; a match ends every sequence begun at or before its last record");
    }

    /** Whether the rule runs without flink-cep's NFA: its state then has another layout. */
    boolean planned() {
        return shape != Shape.NFA;
    }

    private static String meeting(RuleStep step) {
        return "true".equals(step.where().strip())
                ? ""
                : " meeting '" + step.where().strip() + "'";
    }

    private static RulePlan nfa(String why) {
        return new RulePlan(Shape.NFA, "flink-cep NFA: " + why);
    }
}
