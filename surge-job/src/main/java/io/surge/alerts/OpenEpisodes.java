package io.surge.alerts;

import io.surge.avro.AlertStatus;
import io.surge.avro.SurgeAlert;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a reader of {@code surge-alerts} knows to be going on: the episodes whose {@code FIRING} record it has read and
 * whose {@code RESOLVED} record it has not. Alerts written before episodes existed (no {@code episode_id}) never
 * resolve, so they are not kept; a {@code RESOLVED} record of an episode opened before the reader started is ignored.
 */
public final class OpenEpisodes {

    private final Map<String, SurgeAlert> open = new LinkedHashMap<>();

    public void take(SurgeAlert alert) {
        if (alert.getEpisodeId() == null) {
            return;
        }
        String episode = alert.getEpisodeId();
        if (alert.getStatus() == AlertStatus.RESOLVED) {
            open.remove(episode);
        } else {
            open.put(episode, alert);
        }
    }

    /** The event time an alert speaks of: when its match ended, or when its episode resolved. */
    public static Instant occurredAt(SurgeAlert alert) {
        return alert.getResolvedAt() != null ? alert.getResolvedAt() : alert.getLastEventTime();
    }

    public boolean isOpen(String episodeId) {
        return open.containsKey(episodeId);
    }

    /** The open episodes' {@code FIRING} records, the most recently opened first. */
    public List<SurgeAlert> firing() {
        List<SurgeAlert> newestFirst = new ArrayList<>(open.values());
        Collections.reverse(newestFirst);
        return newestFirst;
    }

    public int size() {
        return open.size();
    }
}
