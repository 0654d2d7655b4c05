package io.surge.alerts;

import java.io.Serializable;

/**
 * One named step of a rule.
 *
 * @param where a CEL condition on the record's fields and on earlier steps' values ({@code step.field})
 * @param strict true when the step must follow the previous one with no record in between ({@code next}); false
 *     when other records may come between ({@code followed-by})
 * @param times for a repeated step, how many records it takes; 1 for a single record
 * @param orMore true when {@code times} is a minimum ({@code at-least})
 * @param distinct a field whose value must differ between the records of a repeated step, or null
 */
public record RuleStep(String name, String where, boolean strict, int times, boolean orMore, String distinct)
        implements Serializable {}
