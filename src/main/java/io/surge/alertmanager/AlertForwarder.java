package io.surge.alertmanager;

import io.surge.alerts.OpenEpisodes;
import io.surge.avro.SurgeAlert;
import io.surge.io.serde.TopicDecoders;
import io.surge.io.serde.UndecodableException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Forwards the alerts topic to Alertmanager: each {@code FIRING} and {@code RESOLVED} record read
 * ({@code read_committed}) is posted, and the consumer group's offsets are committed only once Alertmanager has taken
 * them, so a forwarder killed at any moment and started again posts every record at least once (Alertmanager
 * deduplicates by labels: posting one again changes nothing). Alertmanager ends an alert that is not posted again
 * within its {@code resolve_timeout}, so the open episodes are posted again every {@code resendEvery}. On start they
 * are rebuilt by reading the topic from its beginning up to the committed offsets without posting anything, and
 * posted at once; a group with no offsets yet starts forwarding at the topic's end, and commits that as its start.
 */
public final class AlertForwarder {

    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;
    private final TopicDecoders decoders;
    private final AlertmanagerClient alertmanager;
    private final String dashboard;
    private final Duration resendEvery;
    private final PrintWriter out;
    private final OpenEpisodes open = new OpenEpisodes();

    /** @param consumer a consumer of the forwarder's group, reading committed records only, assigned nothing yet */
    public AlertForwarder(KafkaConsumer<byte[], byte[]> consumer, String topic, TopicDecoders decoders,
            AlertmanagerClient alertmanager, String dashboard, Duration resendEvery, PrintWriter out) {
        this.consumer = consumer;
        this.topic = topic;
        this.decoders = decoders;
        this.alertmanager = alertmanager;
        this.dashboard = dashboard;
        this.resendEvery = resendEvery;
        this.out = out;
    }

    /** Forwards until {@code running} turns false. */
    public void run(BooleanSupplier running) throws InterruptedException {
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(partition -> new TopicPartition(topic, partition.partition()))
                .toList();
        consumer.assign(partitions);
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(Set.copyOf(partitions));
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        Map<TopicPartition, Long> forwardFrom = new HashMap<>();
        for (TopicPartition partition : partitions) {
            OffsetAndMetadata offset = committed.get(partition);
            forwardFrom.put(partition, offset != null ? offset.offset() : ends.get(partition));
        }
        consumer.seekToBeginning(partitions);
        boolean rebuilt = false;
        long lastResend = System.nanoTime();
        while (running.getAsBoolean()) {
            List<AlertmanagerAlert> batch = new ArrayList<>();
            Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                boolean posted = record.offset() < forwardFrom.get(partition);
                SurgeAlert alert = decode(record, !posted);
                if (alert != null) {
                    open.take(alert);
                    if (!posted) {
                        batch.add(AlertmanagerAlert.of(alert, dashboard));
                        out.printf("forwarding %-8s %-16s %-22s episode %s%n", alert.getStatus(), alert.getRule(),
                                alert.getZoneId(), alert.getEpisodeId());
                    }
                }
                if (!posted) {
                    done.put(partition, new OffsetAndMetadata(record.offset() + 1));
                }
            }
            if (!deliver(batch, running)) {
                return;
            }
            if (!done.isEmpty()) {
                consumer.commitSync(done);
            }
            if (!rebuilt && partitions.stream().allMatch(p -> consumer.position(p) >= forwardFrom.get(p))) {
                if (!deliver(openEpisodes(), running)) {
                    return;
                }
                // where the group had no offsets, this is where forwarding began
                Map<TopicPartition, OffsetAndMetadata> start = new HashMap<>();
                partitions.forEach(p -> start.put(p, new OffsetAndMetadata(consumer.position(p))));
                consumer.commitSync(start);
                rebuilt = true;
                lastResend = System.nanoTime();
                out.printf("forwarding %s to %s; %d open episode(s) posted again%n", topic, alertmanager,
                        open.size());
            }
            if (rebuilt && System.nanoTime() - lastResend >= resendEvery.toNanos()) {
                if (!deliver(openEpisodes(), running)) {
                    return;
                }
                lastResend = System.nanoTime();
            }
            out.flush();
        }
    }

    private List<AlertmanagerAlert> openEpisodes() {
        return open.firing().stream().map(alert -> AlertmanagerAlert.of(alert, dashboard)).toList();
    }

    /**
     * The alert a record holds, or null for one that cannot be decoded or was written before episodes (it would never
     * resolve): both are skipped, with a line when they are news.
     */
    private SurgeAlert decode(ConsumerRecord<byte[], byte[]> record, boolean news) {
        String where = record.topic() + "/" + record.partition() + "@" + record.offset();
        try {
            SurgeAlert alert = (SurgeAlert) decoders.decode(record.topic(), record.value());
            if (alert.getEpisodeId() == null) {
                if (news) {
                    out.println("skipped " + where + ": an alert written before episodes, which never resolves");
                }
                return null;
            }
            return alert;
        } catch (UndecodableException e) {
            if (news) {
                out.println("skipped " + where + ": cannot decode: " + e.getMessage());
            }
            return null;
        }
    }

    /**
     * Posts until Alertmanager takes the alerts, waiting longer each time it cannot, or refuses them (which posting
     * again would not change; they are reported and left).
     *
     * @return false when asked to stop before then
     */
    private boolean deliver(List<AlertmanagerAlert> alerts, BooleanSupplier running) throws InterruptedException {
        Duration backoff = Duration.ofSeconds(1);
        while (!alerts.isEmpty()) {
            try {
                alertmanager.post(alerts);
                return true;
            } catch (AlertmanagerClient.Refused e) {
                out.println("Alertmanager refused " + alerts.size() + " alert(s), which are skipped: " + e.getMessage());
                return true;
            } catch (AlertmanagerClient.Unavailable e) {
                out.println("Alertmanager is unavailable, trying again in " + backoff.toSeconds() + " s: "
                        + e.getMessage());
                out.flush();
            }
            long until = System.nanoTime() + backoff.toNanos();
            while (System.nanoTime() < until) {
                if (!running.getAsBoolean()) {
                    return false;
                }
                Thread.sleep(100);
            }
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
        return true;
    }
}
