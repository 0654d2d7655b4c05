package io.surge.alerts;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * The rule set versions of one input on a line of event time, each with its rules as matchers: which version is in
 * force at a record's own time, a version put on the line as it is taken, and the versions the watermark has left
 * behind dropped, with the matchers no later version has. A rule unchanged across versions ({@link
 * RuleMatcher#identity}) is one matcher, partial matches and all.
 */
final class RuleTimeline<T> {

    /** Makes the matcher of a rule the line does not have yet. */
    @FunctionalInterface
    interface Matchers<T> {
        RuleMatcher<T> create(AlertRule rule) throws Exception;
    }

    /** A version and its rules on this input, in file-name order. */
    record InForce<T>(RuleSetVersion version, List<RuleMatcher<T>> rules) {}

    private final RuleInput input;
    private final long bucketMillis;
    private final Matchers<T> newMatcher;
    /** The versions not yet behind the watermark, by the event time they take effect. */
    private final NavigableMap<Long, InForce<T>> versions = new TreeMap<>();

    private final Map<String, RuleMatcher<T>> matchers = new LinkedHashMap<>();
    /** The newest version taken: a deploy has reached the job once this shows it. */
    private long latest;

    /** @param bucketMillis the resolution of CEP time on this input ({@link ZoneRules#bucketEnd}) */
    RuleTimeline(RuleInput input, long bucketMillis, Matchers<T> newMatcher) {
        this.input = input;
        this.bucketMillis = bucketMillis;
        this.newMatcher = newMatcher;
    }

    /**
     * Puts a version whose rules have been read and checked on the line, effective from its own time; a version of
     * the same time and a lower number stays where it is.
     */
    void put(RuleSetVersion version, List<AlertRule> rules) throws Exception {
        // a rule that checked compiles; if it does not, that is a bug, and it keeps its stack trace
        List<RuleMatcher<T>> own = new ArrayList<>();
        for (AlertRule rule : rules) {
            if (rule.input() == input) {
                own.add(matcher(rule));
            }
        }
        latest = Math.max(latest, version.version());
        InForce<T> previous = versions.get(version.effectiveFrom());
        if (previous == null || previous.version().version() < version.version()) {
            versions.put(version.effectiveFrom(), new InForce<>(version, own));
        }
    }

    InForce<T> inForceAt(long recordTime) {
        Map.Entry<Long, InForce<T>> entry = versions.floorEntry(recordTime);
        return entry != null ? entry.getValue() : versions.firstEntry().getValue();
    }

    long latest() {
        return latest;
    }

    Collection<RuleMatcher<T>> matchers() {
        return matchers.values();
    }

    boolean has(String identity) {
        return matchers.containsKey(identity);
    }

    /**
     * Drops the versions the watermark has left behind: those followed by a version whose switch it has passed, with
     * every record before the switch matched.
     *
     * @return the matchers of rules no version still on the line has, taken off it: their state is the caller's to
     *     clear
     */
    List<RuleMatcher<T>> retireBehind(long watermark) {
        boolean retired = false;
        while (versions.size() > 1) {
            long nextFrom = versions.higherKey(versions.firstKey());
            if (ZoneRules.bucketEnd(nextFrom - 1, bucketMillis) > watermark) {
                break;
            }
            versions.pollFirstEntry();
            retired = true;
        }
        if (!retired) {
            return List.of();
        }
        Set<String> inUse = new HashSet<>();
        versions.values().forEach(version -> version.rules().forEach(rule -> inUse.add(rule.identity())));
        List<RuleMatcher<T>> unused = new ArrayList<>();
        for (Iterator<RuleMatcher<T>> it = matchers.values().iterator(); it.hasNext(); ) {
            RuleMatcher<T> rule = it.next();
            if (!inUse.contains(rule.identity())) {
                unused.add(rule);
                it.remove();
            }
        }
        return unused;
    }

    void close() throws Exception {
        for (RuleMatcher<T> rule : matchers.values()) {
            rule.close();
        }
    }

    private RuleMatcher<T> matcher(AlertRule rule) throws Exception {
        String identity = RuleMatcher.identity(rule);
        RuleMatcher<T> matcher = matchers.get(identity);
        if (matcher == null) {
            matcher = newMatcher.create(rule);
            matchers.put(identity, matcher);
        }
        return matcher;
    }
}
