package io.surge.alerts;

import io.surge.avro.Severity;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;

/**
 * One alert rule, as declared in a file under {@code alerts/}: a sequence of steps over one input stream of a zone,
 * all within a time bound.
 *
 * @param filter an optional condition on single records: only records meeting it reach the rule (contiguity is
 *     among those records), which keeps the rule's pattern buffers small; null for none
 * @param summary a sentence with {@code {field}} and {@code {step.field}} placeholders
 * @param resolveAfter how long, in event time, the rule must go without a match in a zone for the episode its matches
 *     opened there to resolve ({@link ZoneEpisodes})
 */
public record AlertRule(
        String name,
        RuleInput input,
        String filter,
        List<RuleStep> steps,
        Duration within,
        Severity severity,
        String summary,
        Duration resolveAfter,
        AfterMatch afterMatch)
        implements Serializable {

    /** The longest {@code within}: each zone keeps a rule's records and partial matches for that long. */
    public static final Duration MAX_WITHIN = Duration.ofHours(1);

    /** What happens to overlapping partial matches once a match is found. */
    public enum AfterMatch {
        /** Every match counts, overlapping ones too. */
        NO_SKIP("no-skip"),
        /** A match ends every partial match that shares its events: one alert per burst. */
        SKIP_PAST_LAST_EVENT("skip-past-last-event");

        private final String wireName;

        AfterMatch(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }
}
