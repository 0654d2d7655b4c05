package io.surge.alerts;

import io.surge.avro.AlertStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.util.TimeUtils;

/**
 * An open episode of a rule in a zone: the {@code FIRING} alert its first match raised, and what later matches added.
 * It ends, in event time, once the rule has gone {@code resolveAfterMillis} without a match there.
 *
 * @param lastEventTime the last event of its latest match
 * @param resolveAfterMillis the {@code resolve-after} of the rule that matched last, which a rule set version may
 *     have changed since the episode opened
 * @param settleMillis how long after {@link #resolvesAt} a match that continues it can still be found, by the rule
 *     that matched last: its {@code within}, and the resolution of its CEP time
 */
public record Episode(ZoneAlert opening, long lastEventTime, int matches, long resolveAfterMillis, long settleMillis) {

    /** Its Flink type, for the zones' state. */
    public static final TypeInformation<Episode> TYPE = Types.POJO(
            Episode.class,
            Map.of(
                    "opening", ZoneAlert.TYPE,
                    "lastEventTime", Types.LONG,
                    "matches", Types.INT,
                    "resolveAfterMillis", Types.LONG,
                    "settleMillis", Types.LONG));

    static Episode opened(ZoneAlert firing, long resolveAfterMillis, long settleMillis) {
        return new Episode(firing, firing.lastEventTime(), 1, resolveAfterMillis, settleMillis);
    }

    /** The event time at which it ends unless a match ending before then continues it. */
    public long resolvesAt() {
        return lastEventTime + resolveAfterMillis;
    }

    /**
     * When it can be resolved: a match ending before it {@link #resolvesAt resolves} ends at most the rule's window
     * after it began, and a skip strategy holds it back at most until the partial matches that began before it end.
     */
    public long settledAt() {
        return resolvesAt() + settleMillis;
    }

    /** Whether a match ending at {@code matchEnd} belongs to it: the rule had not gone quiet for long enough. */
    boolean continuedBy(long matchEnd) {
        return matchEnd < resolvesAt();
    }

    Episode continued(long matchEnd, long resolveAfterMillis, long settleMillis) {
        return new Episode(opening, Math.max(lastEventTime, matchEnd), matches + 1, resolveAfterMillis, settleMillis);
    }

    /** The {@code RESOLVED} record that ends it, with the labels of its {@code FIRING} one. */
    ZoneAlert resolution(long detectedAt) {
        String episodeId = opening.episodeId();
        String summary = "Resolved after " + matches + (matches == 1 ? " match" : " matches") + ", none for "
                + TimeUtils.formatWithHighestUnit(Duration.ofMillis(resolveAfterMillis)) + ": " + opening.summary();
        return new ZoneAlert(
                AlertBuilder.alertId(opening.rule(), opening.zoneId(), List.of("resolved", episodeId)),
                opening.rule(),
                opening.severity(),
                opening.zoneId(),
                opening.firstEventTime(),
                lastEventTime,
                summary,
                opening.details(),
                detectedAt,
                opening.ruleSetVersion(),
                AlertStatus.RESOLVED,
                episodeId,
                resolvesAt(),
                matches);
    }
}
