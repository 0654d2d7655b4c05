package io.surge.testing.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.surge.alerts.RuleSetVersion;
import io.surge.avro.SurgeAlert;
import io.surge.backtest.Backtest;
import io.surge.config.SurgeConfig;
import io.surge.event.Ingested;
import io.surge.ingest.InputValidation;
import io.surge.io.kafka.TopicSnapshot;
import io.surge.testing.WireRecords;
import io.surge.time.Clock;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alerts one uninterrupted run writes over what the input topics hold, from a backtest of them, for tests that
 * fail, kill or restart the job: partial matches, records waiting for the watermark and open episodes lost or replayed
 * twice would change its alerts. Alerts are compared by all but when they were detected.
 */
public final class UninterruptedRun {

    private static final Logger LOG = LoggerFactory.getLogger(UninterruptedRun.class);

    private UninterruptedRun() {}

    /**
     * Asserts that the committed records of the alerts topic are each once the alerts of an uninterrupted run, and
     * that there are some: every episode it opened, and those of its resolutions the live job's watermark has reached
     * (the backtest's input ends, which resolves every episode).
     *
     * @param rules the rule directory the job ran
     * @param lateBefore as for {@link #alerts}
     * @return how many resolutions were written, and how many the backtest wrote
     */
    public static Resolutions assertRaisedAsUninterrupted(
            List<ConsumerRecord<byte[], byte[]>> raised, SurgeConfig config, Path rules, long lateBefore)
            throws Exception {
        List<String> uninterrupted = alerts(config, rules, lateBefore);
        List<String> written = raised.stream().map(UninterruptedRun::alert).toList();
        long resolved =
                written.stream().filter(alert -> alert.startsWith("RESOLVED")).count();
        LOG.info(
                "alerts written={} ({} resolutions), by an uninterrupted backtest={}",
                written.size(),
                resolved,
                uninterrupted.size());
        assertThat(uninterrupted).as("alerts the workload raises").isNotEmpty();
        assertThat(written).as("every alert at most once").doesNotHaveDuplicates();
        assertThat(written)
                .as("every episode opened exactly once, equal to those of a backtest of the same inputs")
                .filteredOn(alert -> alert.startsWith("FIRING"))
                .containsExactlyInAnyOrderElementsOf(uninterrupted.stream()
                        .filter(alert -> alert.startsWith("FIRING"))
                        .toList());
        assertThat(uninterrupted)
                .as("the resolutions written, each one of the backtest's")
                .containsAll(written);
        return new Resolutions(
                resolved,
                uninterrupted.stream()
                        .filter(alert -> alert.startsWith("RESOLVED"))
                        .count());
    }

    /** The {@code RESOLVED} records the live job wrote, and those of the backtest, whose input ends. */
    public record Resolutions(long written, long uninterrupted) {}

    /**
     * @param lateBefore inputs with an earlier event time are left out, as the live job drops them as late (and a
     *     backtest, in which nothing is late, would count them)
     */
    private static List<String> alerts(SurgeConfig config, Path rules, long lateBefore) throws Exception {
        InputValidation validation = InputValidation.of(config.input(), Clock.system());
        List<Ingested> onTime =
                TopicSnapshot.read(config.kafkaJob(), config.topics().inputTopics(), validation).stream()
                        .filter(input -> input.isAccepted() && input.event().eventTime() >= lateBefore)
                        .toList();
        return Backtest.alerts(onTime, config, List.of(RuleSetVersion.fromDirectory(rules))).stream()
                .map(alert -> compared(
                        alert.status().name(),
                        alert.alertId(),
                        alert.rule(),
                        alert.zoneId(),
                        alert.firstEventTime(),
                        alert.lastEventTime(),
                        alert.summary(),
                        alert.episodeMatches()))
                .toList();
    }

    /** A committed record of the alerts topic, as {@link #alerts} gives them. */
    private static String alert(ConsumerRecord<byte[], byte[]> record) {
        SurgeAlert alert = WireRecords.decode(record.value(), SurgeAlert.getClassSchema(), SurgeAlert.getClassSchema());
        return compared(
                alert.getStatus().name(),
                alert.getAlertId(),
                alert.getRule(),
                alert.getZoneId(),
                alert.getFirstEventTime().toEpochMilli(),
                alert.getLastEventTime().toEpochMilli(),
                alert.getSummary(),
                alert.getEpisodeMatches());
    }

    private static String compared(
            String status, String id, String rule, String zone, long first, long last, String summary, int matches) {
        return status + " " + id + " " + rule + " " + zone + " " + first + ".." + last + " " + summary + " " + matches;
    }
}
