package io.surge.alerts;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.pattern.Pattern;

/** Turns a checked {@link AlertRule} into the Flink CEP pattern that finds its matches in one zone's records. */
public final class RuleCompiler {

    private RuleCompiler() {}

    /**
     * @param bucketMillis the resolution of the timestamps CEP sees ({@link ZoneRules#bucketEnd}); above 1 ms the pattern's
     *     window is widened by one bucket and every step checks the rule's window against the records' own times
     */
    public static <T> Pattern<T, T> compile(AlertRule rule, long bucketMillis) {
        boolean bucketed = bucketMillis > 1;
        long ownTimeWithin = bucketed ? rule.within().toMillis() : 0;
        String firstStep = rule.steps().get(0).name();
        AfterMatchSkipStrategy skip = rule.afterMatch() == AlertRule.AfterMatch.SKIP_PAST_LAST_EVENT
                ? AfterMatchSkipStrategy.skipPastLastEvent()
                : AfterMatchSkipStrategy.noSkip();
        List<String> earlier = new ArrayList<>();
        Pattern<T, T> pattern = null;
        for (RuleStep step : rule.steps()) {
            if (pattern == null) {
                pattern = Pattern.<T>begin(step.name(), skip);
            } else {
                pattern = step.strict() ? pattern.next(step.name()) : pattern.followedBy(step.name());
            }
            pattern = pattern.where(new RuleCondition<>(
                    rule.input(), step.name(), earlier, step.where(), step.distinct(), firstStep, ownTimeWithin));
            if (step.orMore()) {
                pattern = pattern.timesOrMore(step.times());
            } else if (step.times() > 1) {
                pattern = pattern.times(step.times());
            }
            if (step.strict() && step.times() > 1) {
                pattern = pattern.consecutive();
            }
            earlier.add(step.name());
        }
        return pattern.within(bucketed ? rule.within().plusMillis(bucketMillis) : rule.within());
    }
}
