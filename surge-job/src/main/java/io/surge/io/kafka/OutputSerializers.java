package io.surge.io.kafka;

import io.surge.alerts.ZoneAlert;
import io.surge.avro.SurgeAlert;
import io.surge.avro.SurgeMultiplier;
import io.surge.pricing.ZoneSurge;
import io.surge.pricing.ZoneSurge.Adjustment;
import io.surge.pricing.ZoneSurge.Pricing;
import java.time.Instant;
import java.util.Arrays;

/** How the job's results are written: as the public records of {@code schemas/}, in the wire format, keyed by zone. */
public final class OutputSerializers {

    private OutputSerializers() {}

    public static AvroValueSerializer<ZoneSurge, SurgeMultiplier> multipliers(String topic, int schemaId) {
        return new AvroValueSerializer<>(
                topic,
                schemaId,
                SurgeMultiplier.getClassSchema(),
                OutputSerializers::surgeMultiplier,
                ZoneSurge::zoneId);
    }

    public static AvroValueSerializer<ZoneAlert, SurgeAlert> alerts(String topic, int schemaId) {
        return new AvroValueSerializer<>(
                topic, schemaId, SurgeAlert.getClassSchema(), OutputSerializers::surgeAlert, ZoneAlert::zoneId);
    }

    static SurgeMultiplier surgeMultiplier(ZoneSurge surge) {
        SurgeMultiplier.Builder record = SurgeMultiplier.newBuilder()
                .setZoneId(surge.zoneId())
                .setWindowStart(Instant.ofEpochMilli(surge.windowStart()))
                .setWindowEnd(Instant.ofEpochMilli(surge.windowEnd()))
                .setDemand(surge.demand())
                .setSupply(surge.supply())
                .setMultiplier(surge.multiplier())
                .setComputedAt(Instant.ofEpochMilli(surge.computedAt()))
                .setRawMultiplier(surge.rawMultiplier());
        Pricing pricing = surge.pricing();
        if (pricing != null) {
            record.setPooledDemand(pricing.pooledDemand())
                    .setPooledSupply(pricing.pooledSupply())
                    .setAdjustments(Arrays.stream(Adjustment.values())
                            .filter(pricing::adjustedBy)
                            .map(Adjustment::wireName)
                            .toList())
                    .setCap(pricing.cap())
                    .setPolicyVersion(pricing.policyVersion());
        }
        return record.build();
    }

    /**
     * The zone's own ratio as a multipliers record carries it: in {@code raw_multiplier}, or, in a record written
     * before published prices, in {@code multiplier}.
     */
    public static double rawMultiplier(SurgeMultiplier record) {
        return record.getRawMultiplier() == null ? record.getMultiplier() : record.getRawMultiplier();
    }

    static SurgeAlert surgeAlert(ZoneAlert alert) {
        return SurgeAlert.newBuilder()
                .setAlertId(alert.alertId())
                .setRule(alert.rule())
                .setSeverity(alert.severity())
                .setZoneId(alert.zoneId())
                .setFirstEventTime(Instant.ofEpochMilli(alert.firstEventTime()))
                .setLastEventTime(Instant.ofEpochMilli(alert.lastEventTime()))
                .setSummary(alert.summary())
                .setDetails(alert.details())
                .setDetectedAt(Instant.ofEpochMilli(alert.detectedAt()))
                .setRuleSetVersion(alert.ruleSetVersion())
                .setStatus(alert.status())
                .setEpisodeId(alert.episodeId())
                .setResolvedAt(alert.resolvedAt() == null ? null : Instant.ofEpochMilli(alert.resolvedAt()))
                .setEpisodeMatches(alert.episodeMatches())
                .build();
    }
}
