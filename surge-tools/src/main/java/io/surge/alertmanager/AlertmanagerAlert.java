package io.surge.alertmanager;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.surge.avro.AlertStatus;
import io.surge.avro.SurgeAlert;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * An alert episode as Alertmanager's v2 API takes it ({@code postableAlert}). Alertmanager identifies an alert by its
 * labels, so an episode's {@code FIRING} and {@code RESOLVED} records, which carry the same rule, zone, severity and
 * rule set version, post the same alert: the first opens it, the second ends it, and posting either again changes
 * nothing.
 *
 * @param startsAt when the episode's first match began (event time, RFC 3339)
 * @param endsAt when the episode resolved; null while it is open, which Alertmanager takes as "until
 *     {@code resolve_timeout} after this post"
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AlertmanagerAlert(
        Map<String, String> labels,
        Map<String, String> annotations,
        String startsAt,
        String endsAt,
        String generatorURL) {

    /** @param dashboard the base address of surge's live map, which the alert links to with its zone */
    public static AlertmanagerAlert of(SurgeAlert alert, String dashboard) {
        String zoneLink = dashboard + "/?zone=" + URLEncoder.encode(alert.getZoneId(), StandardCharsets.UTF_8);
        return new AlertmanagerAlert(
                Map.of(
                        "alertname",
                        alert.getRule(),
                        "zone",
                        alert.getZoneId(),
                        "severity",
                        alert.getSeverity().name().toLowerCase(Locale.ROOT),
                        "rule_set_version",
                        Long.toString(alert.getRuleSetVersion())),
                Map.of("summary", alert.getSummary(), "dashboard", zoneLink, "episode_id", alert.getEpisodeId()),
                alert.getFirstEventTime().toString(),
                alert.getStatus() == AlertStatus.RESOLVED
                        ? alert.getResolvedAt().toString()
                        : null,
                zoneLink);
    }
}
