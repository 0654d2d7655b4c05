package io.surge.alerts;

import java.util.List;
import org.apache.flink.api.common.functions.FilterFunction;

/** A rule's {@code filter}: a CEL condition on single records. */
final class RuleFilter<T> implements FilterFunction<T> {

    private static final long serialVersionUID = 1L;
    private final RuleInput input;
    private final String expression;
    private transient RuleExpressions.Condition condition;

    RuleFilter(RuleInput input, String expression) {
        this.input = input;
        this.expression = expression;
    }

    @Override
    public boolean filter(T record) {
        if (condition == null) {
            condition = RuleExpressions.condition(input, List.of(), expression);
        }
        return condition.evaluate(field -> input.value(record, field));
    }
}
