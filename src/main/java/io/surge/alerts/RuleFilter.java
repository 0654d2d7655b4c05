package io.surge.alerts;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.FilterFunction;

/**
 * A rule's {@code filter}: a CEL condition on single records. CEL is pure, so the outcome depends only on the values
 * of the fields the filter reads; a filter on a few fields of few values ({@code kind}, {@code available}) is
 * evaluated once per combination of them and remembered, where evaluating it costs more than anything else a record
 * meets before it is matched. A filter on fields of many values remembers its first {@value #REMEMBERED} outcomes.
 */
final class RuleFilter<T> implements FilterFunction<T> {

    private static final long serialVersionUID = 1L;
    static final int REMEMBERED = 1_024;
    private final RuleInput input;
    private final String expression;
    private transient RuleExpressions.Condition condition;
    private transient Map<List<Object>, Boolean> outcomes;

    RuleFilter(RuleInput input, String expression) {
        this.input = input;
        this.expression = expression;
    }

    @Override
    public boolean filter(T record) {
        if (condition == null) {
            condition = RuleExpressions.condition(input, List.of(), expression);
            outcomes = new HashMap<>();
        }
        List<Object> read = new ArrayList<>(condition.variables().size());
        for (String field : condition.variables()) {
            read.add(input.value(record, field));
        }
        Boolean known = outcomes.get(read);
        if (known != null) {
            return known;
        }
        boolean outcome = condition.evaluate(field -> input.value(record, field));
        if (outcomes.size() < REMEMBERED) {
            outcomes.put(read, outcome);
        }
        return outcome;
    }
}
