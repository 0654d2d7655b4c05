package io.surge.alertmanager;

import static org.assertj.core.api.Assertions.assertThat;

import io.surge.avro.AlertStatus;
import io.surge.avro.Severity;
import io.surge.avro.SurgeAlert;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertmanagerAlertTest {

    @Test
    void aFiringEpisodeHasNoEndAndItsResolutionEndsItUnderTheSameLabels() {
        SurgeAlert firing = SurgeAlert.newBuilder()
                .setAlertId("supply-collapse-0001")
                .setRule("supply-collapse")
                .setSeverity(Severity.CRITICAL)
                .setZoneId("zone_4073_-7399")
                .setFirstEventTime(Instant.parse("2026-12-04T08:00:05Z"))
                .setLastEventTime(Instant.parse("2026-12-04T08:00:15Z"))
                .setSummary("Supply collapsed")
                .setDetails(Map.of())
                .setDetectedAt(Instant.parse("2026-12-04T08:00:16Z"))
                .setRuleSetVersion(2)
                .setEpisodeId("supply-collapse-0001")
                .build();
        SurgeAlert resolved = SurgeAlert.newBuilder(firing)
                .setAlertId("supply-collapse-0002")
                .setStatus(AlertStatus.RESOLVED)
                .setResolvedAt(Instant.parse("2026-12-04T08:05:15Z"))
                .setSummary("Resolved after 1 match, none for 5 min: Supply collapsed")
                .build();

        AlertmanagerAlert opened = AlertmanagerAlert.of(firing, "http://map:8090");
        AlertmanagerAlert ended = AlertmanagerAlert.of(resolved, "http://map:8090");

        assertThat(opened.labels())
                .isEqualTo(Map.of(
                        "alertname",
                        "supply-collapse",
                        "zone",
                        "zone_4073_-7399",
                        "severity",
                        "critical",
                        "rule_set_version",
                        "2"));
        assertThat(ended.labels()).isEqualTo(opened.labels());
        assertThat(opened.startsAt()).isEqualTo("2026-12-04T08:00:05Z").isEqualTo(ended.startsAt());
        assertThat(opened.endsAt()).isNull();
        assertThat(ended.endsAt()).isEqualTo("2026-12-04T08:05:15Z");
        assertThat(opened.annotations())
                .containsEntry("dashboard", "http://map:8090/?zone=zone_4073_-7399")
                .containsEntry("episode_id", "supply-collapse-0001");
    }
}
