package io.surge.alerts;

import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import org.apache.flink.cep.pattern.conditions.IterativeCondition;

/**
 * A step's CEL condition as a CEP condition: the record's own fields, plus {@code step.field} for the last record of
 * every earlier step of the partial match, and the step's {@code distinct} field checked against its records so far.
 * When CEP sees bucketed timestamps ({@link ZoneRules#bucketEnd}), it also holds the rule's window on the records' own times:
 * a record no longer within it of the partial match's first record does not extend the match.
 */
final class RuleCondition<T> extends IterativeCondition<T> {

    private static final long serialVersionUID = 1L;
    private static final String ALWAYS = "true";

    private final RuleInput input;
    private final String stepName;
    private final List<String> earlierSteps;
    private final String expression;
    private final String distinct;
    /** A step whose condition is the constant {@code true} only counts (distinct) records: nothing for CEL to decide. */
    private final boolean countsOnly;

    private final String firstStep;
    /** The rule's window, checked on the records' own times when CEP sees bucketed ones; 0 when it does not. */
    private final long ownTimeWithinMillis;
    /** CEL programs are not serializable: compiled on the task, once. */
    private transient RuleExpressions.Condition condition;

    RuleCondition(
            RuleInput input,
            String stepName,
            List<String> earlierSteps,
            String expression,
            String distinct,
            String firstStep,
            long ownTimeWithinMillis) {
        this.input = input;
        this.stepName = stepName;
        this.earlierSteps = List.copyOf(earlierSteps);
        this.expression = expression;
        this.distinct = distinct;
        this.countsOnly = ALWAYS.equals(expression.strip());
        this.firstStep = firstStep;
        this.ownTimeWithinMillis = ownTimeWithinMillis;
    }

    @Override
    public boolean filter(T record, Context<T> ctx) throws Exception {
        if (ownTimeWithinMillis > 0) {
            Iterator<T> first = ctx.getEventsForPattern(firstStep).iterator();
            if (first.hasNext() && input.eventTime(record) - input.eventTime(first.next()) >= ownTimeWithinMillis) {
                return false;
            }
        }
        if (distinct != null && stepName != null) {
            Object value = input.value(record, distinct);
            for (Object taken : ctx.getEventsForPattern(stepName)) {
                if (Objects.equals(input.value(taken, distinct), value)) {
                    return false;
                }
            }
        }
        if (countsOnly) {
            return true;
        }
        if (condition == null) {
            condition = RuleExpressions.condition(input, earlierSteps, expression);
        }
        return condition.evaluate(input, record, step -> last(ctx, step));
    }

    /** The last record an earlier step of the partial match took, or null when it took none. */
    private Object last(Context<T> ctx, String step) {
        try {
            Object last = null;
            for (Object earlier : ctx.getEventsForPattern(step)) {
                last = earlier;
            }
            return last;
        } catch (Exception e) {
            throw new IllegalStateException("flink-cep could not read the records of step " + step, e);
        }
    }
}
