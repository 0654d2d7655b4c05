package io.surge.alerts;

import dev.cel.common.types.SimpleType;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A rule's summary sentence: {@code {field}} is the field of the match's last record, {@code {step.field}} the field
 * of the step's last record, {@code {step.count}} how many records the step took, {@code {duration}} the time from
 * the first to the last record.
 */
final class SummaryTemplate {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}]*)}");

    private SummaryTemplate() {}

    static boolean resolvable(String name, RuleInput input, List<RuleStep> steps) {
        if (name.equals("duration") || input.fields().containsKey(name)) {
            return true;
        }
        int dot = name.indexOf('.');
        if (dot < 0) {
            return false;
        }
        String step = name.substring(0, dot);
        String field = name.substring(dot + 1);
        return steps.stream().anyMatch(s -> s.name().equals(step))
                && (field.equals("count") || input.fields().containsKey(field));
    }

    /** @param match each step's records, in step order */
    static String render(String template, RuleInput input, Map<String, List<Object>> match, long durationMillis) {
        Matcher placeholder = PLACEHOLDER.matcher(template);
        StringBuilder text = new StringBuilder();
        List<Object> lastStep = match.values().stream().reduce((a, b) -> b).orElseThrow();
        while (placeholder.find()) {
            String name = placeholder.group(1);
            String value;
            if (name.equals("duration")) {
                value = format(durationMillis / 1000.0) + " s";
            } else if (name.contains(".")) {
                String step = name.substring(0, name.indexOf('.'));
                String field = name.substring(name.indexOf('.') + 1);
                List<Object> records = match.get(step);
                value = field.equals("count")
                        ? Integer.toString(records.size())
                        : format(input, field, records.get(records.size() - 1));
            } else {
                value = format(input, name, lastStep.get(lastStep.size() - 1));
            }
            placeholder.appendReplacement(text, Matcher.quoteReplacement(value));
        }
        placeholder.appendTail(text);
        return text.toString();
    }

    static String format(RuleInput input, String field, Object record) {
        Object value = input.value(record, field);
        if (input.fields().get(field) == SimpleType.INT) {
            return Instant.ofEpochMilli((Long) value).toString();
        }
        return value instanceof Double number ? format(number) : String.valueOf(value);
    }

    /** 3.0 as "3", 2.5 as "2.5", 1.3333 as "1.33". */
    private static String format(double number) {
        return BigDecimal.valueOf(number)
                .setScale(2, RoundingMode.HALF_UP)
                .stripTrailingZeros()
                .toPlainString();
    }
}
