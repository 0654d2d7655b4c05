package io.surge.alerts;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.ast.CelReference;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerBuilder;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Rule conditions in CEL, the Common Expression Language: type-checked against the fields of the rule's input and the
 * steps before, and sandboxed by design (no I/O, no access to Java classes, every expression terminates). Their cost
 * is bounded too, since each runs for every record of its zone: no comprehension macros ({@code all}, {@code exists},
 * {@code map}: a rule's fields are single values, so there is nothing to loop over, and nested loops over literal
 * lists would cost their product), at most {@value #MAX_LENGTH} characters and {@value #MAX_NESTING} levels of
 * nesting, and regular expressions (RE2: linear time) of at most {@value #MAX_REGEX_SIZE} program steps. So a
 * condition costs at most in proportion to its length.
 */
final class RuleExpressions {

    static final int MAX_LENGTH = 4_096;
    static final int MAX_NESTING = 32;
    static final int MAX_REGEX_SIZE = 1_000;
    private static final CelOptions OPTIONS = CelOptions.current()
            .enableHeterogeneousNumericComparisons(true)
            .maxExpressionCodePointSize(MAX_LENGTH)
            .maxParseRecursionDepth(MAX_NESTING)
            .maxRegexProgramSize(MAX_REGEX_SIZE)
            .build();
    private static final CelRuntime RUNTIME =
            CelRuntimeFactory.standardCelRuntimeBuilder().setOptions(OPTIONS).build();

    private RuleExpressions() {}

    /**
     * Parses and type-checks a condition: it may use the input's fields and {@code step.field} for each earlier step,
     * and must be true or false.
     *
     * @throws CelValidationException naming the position and the problem
     */
    static CelAbstractSyntaxTree check(RuleInput input, List<String> earlierSteps, String expression)
            throws CelValidationException {
        CelCompilerBuilder compiler = CelCompilerFactory.standardCelCompilerBuilder()
                .setOptions(OPTIONS)
                .setResultType(SimpleType.BOOL);
        input.fields().forEach(compiler::addVar);
        for (String step : earlierSteps) {
            input.fields().forEach((field, type) -> compiler.addVar(step + "." + field, type));
        }
        CelCompiler built = compiler.build();
        return built.compile(expression).getAst();
    }

    /** A condition ready to evaluate; it was checked when its rule was loaded. */
    static Condition condition(RuleInput input, List<String> earlierSteps, String expression) {
        try {
            CelAbstractSyntaxTree checked = check(input, earlierSteps, expression);
            Set<String> declared = new HashSet<>(input.fields().keySet());
            earlierSteps.forEach(step -> input.fields().keySet().forEach(field -> declared.add(step + "." + field)));
            List<String> read = checked.getReferenceMap().values().stream()
                    .map(CelReference::name)
                    .filter(declared::contains)
                    .distinct()
                    .sorted()
                    .toList();
            return new Condition(RUNTIME.createProgram(checked), read);
        } catch (CelValidationException | CelEvaluationException e) {
            throw new IllegalStateException("a checked rule condition no longer compiles: " + expression, e);
        }
    }

    /**
     * A compiled condition and the variables it reads, which are all a record needs to provide. CEL is pure, so the
     * outcome depends only on those variables' values: a condition on few values ({@code kind}, {@code available}, a
     * zone's supply of drivers) is evaluated once per combination of them and remembered, since evaluating it costs
     * more than anything else a record meets before it is matched. One on many values (times, ids) remembers its first
     * {@value #REMEMBERED} outcomes and evaluates the rest.
     */
    static final class Condition {
        static final int REMEMBERED = 1_024;
        private final CelRuntime.Program program;
        private final List<String> variables;
        private final Map<List<Object>, Boolean> outcomes = new HashMap<>();

        private Condition(CelRuntime.Program program, List<String> variables) {
            this.program = program;
            this.variables = variables;
        }

        /**
         * A condition that fails on a record (say, an integer division by zero) is false for it: a rule must never
         * stop the job that prices rides.
         *
         * @param lookup each variable's value, or null where it has none (a step without records)
         */
        boolean evaluate(Function<String, Object> lookup) {
            List<Object> values = new ArrayList<>(variables.size());
            for (String variable : variables) {
                values.add(lookup.apply(variable));
            }
            Boolean known = outcomes.get(values);
            if (known != null) {
                return known;
            }
            boolean outcome = evaluate(values);
            if (outcomes.size() < REMEMBERED) {
                outcomes.put(values, outcome);
            }
            return outcome;
        }

        /**
         * On a record's own fields and, for {@code step.field}, on the record {@code lastOfStep} gives for an earlier
         * step: the last it took, or null when it took none.
         */
        boolean evaluate(RuleInput input, Object record, Function<String, Object> lastOfStep) {
            Map<String, Object> last = new HashMap<>();
            return evaluate(variable -> {
                int dot = variable.indexOf('.');
                if (dot < 0) {
                    return input.value(record, variable);
                }
                Object earlier = last.computeIfAbsent(variable.substring(0, dot), lastOfStep);
                return earlier == null ? null : input.value(earlier, variable.substring(dot + 1));
            });
        }

        private boolean evaluate(List<Object> values) {
            Map<String, Object> bound = new HashMap<>();
            for (int i = 0; i < variables.size(); i++) {
                if (values.get(i) != null) {
                    bound.put(variables.get(i), values.get(i));
                }
            }
            try {
                return (Boolean) program.eval(bound);
            } catch (CelEvaluationException e) {
                return false;
            }
        }
    }
}
