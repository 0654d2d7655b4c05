package io.surge.alerts;

import io.surge.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The open episodes of one zone, one per rule name, while some of its matches are taken: a rule's first match opens
 * an episode, its later ones continue it, and it resolves once the rule has not matched for its {@code resolve-after}.
 * Matches are taken in the order the rule found them, which is event-time order of completion (flink-cep's, and a
 * replay's), so the same matches always make the same episodes.
 *
 * <p>An episode is resolved by {@link #resolveBy} only once no match that could still continue it can come
 * ({@link Episode#settledAt}), by the rule that matched last: a rule set version that removes the rule or changes it
 * later does not move that.
 */
public final class ZoneEpisodes {

    private final Map<String, Episode> open;
    private final Clock clock;
    private boolean changed;

    /** @param restored the zone's open episodes by rule name, as kept in its state; null for none */
    public ZoneEpisodes(Map<String, Episode> restored, Clock clock) {
        this.open = restored == null ? new HashMap<>() : restored;
        this.clock = clock;
    }

    /**
     * Continues the rule's open episode with a match ending at {@code matchEnd}, if it belongs there.
     *
     * @return the continued episode, or null when the match is to {@link #open} one
     */
    public Episode continueWith(String rule, long matchEnd, long resolveAfterMillis, long settleMillis) {
        Episode episode = open.get(rule);
        if (episode == null || !episode.continuedBy(matchEnd)) {
            return null;
        }
        Episode continued = episode.continued(matchEnd, resolveAfterMillis, settleMillis);
        open.put(rule, continued);
        changed = true;
        return continued;
    }

    /**
     * Opens an episode with a match that did not {@link #continueWith continue} one.
     *
     * @return the records to write: the {@code RESOLVED} of the episode the match came too late for, if it was still
     *     open, then {@code firing}
     */
    public List<ZoneAlert> open(ZoneAlert firing, long resolveAfterMillis, long settleMillis) {
        List<ZoneAlert> written = new ArrayList<>(2);
        Episode ended = open.put(firing.rule(), Episode.opened(firing, resolveAfterMillis, settleMillis));
        if (ended != null) {
            written.add(ended.resolution(clock.millis()));
        }
        written.add(firing);
        changed = true;
        return written;
    }

    public Episode episode(String rule) {
        return open.get(rule);
    }

    /** Resolves the episodes that no match can continue any more at {@code time}. */
    public List<ZoneAlert> resolveBy(long time) {
        List<ZoneAlert> resolved = new ArrayList<>();
        for (Iterator<Map.Entry<String, Episode>> it = open.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Episode> entry = it.next();
            if (entry.getValue().settledAt() <= time) {
                resolved.add(entry.getValue().resolution(clock.millis()));
                it.remove();
                changed = true;
            }
        }
        return resolved;
    }

    /** The episodes to keep in the zone's state, null for none; whether that changed since it was restored. */
    public Map<String, Episode> values() {
        return open.isEmpty() ? null : open;
    }

    public boolean changed() {
        return changed;
    }
}
