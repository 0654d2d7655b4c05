package io.surge.alertmanager;

import io.surge.alerts.OpenEpisodes;
import io.surge.avro.SurgeAlert;
import io.surge.event.Reason;
import io.surge.io.kafka.KafkaReaders;
import io.surge.io.serde.TopicDecoders;
import io.surge.io.serde.UndecodableException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
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
 * posted once the backlog after those is forwarded too; a group with no offsets yet starts forwarding at the topic's
 * end, and commits that as its start. Nothing that is an alert is ever skipped: while Alertmanager or the registry
 * cannot be reached, or refuse the forwarder's requests, it waits and tries again. Only values that are no alert
 * (undecodable bytes, alerts written before episodes) and alerts Alertmanager finds malformed are skipped, each with a
 * line. The topic's partitions are those it has at start (surge creates it with a fixed count).
 */
public final class AlertForwarder {

    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);
    /** Alerts per post: a backlog after an outage goes in requests of a bounded size. */
    private static final int CHUNK = 500;

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;
    private final TopicDecoders decoders;
    private final AlertmanagerClient alertmanager;
    private final String dashboard;
    private final Duration resendEvery;
    private final PrintWriter out;
    private final OpenEpisodes open = new OpenEpisodes();

    /** @param consumer a consumer of the forwarder's group, reading committed records only, assigned nothing yet */
    public AlertForwarder(
            KafkaConsumer<byte[], byte[]> consumer,
            String topic,
            TopicDecoders decoders,
            AlertmanagerClient alertmanager,
            String dashboard,
            Duration resendEvery,
            PrintWriter out) {
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
        List<TopicPartition> partitions = partitions(running);
        if (partitions.isEmpty()) {
            return;
        }
        consumer.assign(partitions);
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(Set.copyOf(partitions));
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        Map<TopicPartition, Long> forwardFrom = new HashMap<>();
        for (TopicPartition partition : partitions) {
            OffsetAndMetadata offset = committed.get(partition);
            forwardFrom.put(partition, offset != null ? offset.offset() : ends.get(partition));
        }
        consumer.seekToBeginning(partitions);
        boolean caughtUp = false;
        long lastResend = System.nanoTime();
        Backoff backoff = new Backoff();
        while (running.getAsBoolean()) {
            List<AlertmanagerAlert> batch = new ArrayList<>();
            Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
            Set<TopicPartition> heldBack = new HashSet<>();
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                if (heldBack.contains(partition)) {
                    continue;
                }
                boolean posted = record.offset() < forwardFrom.get(partition);
                SurgeAlert alert;
                try {
                    alert = decode(record, !posted);
                } catch (RegistryUnavailable e) {
                    // read again once the registry answers: the records after it wait, so nothing is skipped
                    out.println("cannot read " + record.topic() + "/" + record.partition() + "@" + record.offset()
                            + " now, trying again: " + e.getMessage());
                    consumer.seek(partition, record.offset());
                    heldBack.add(partition);
                    continue;
                }
                if (alert != null) {
                    open.take(alert);
                    if (!posted) {
                        batch.add(AlertmanagerAlert.of(alert, dashboard));
                        out.printf(
                                "forwarding %-8s %-16s %-22s episode %s%n",
                                alert.getStatus(), alert.getRule(), alert.getZoneId(), alert.getEpisodeId());
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
            // the open episodes are posted again once the backlog is read, so that none whose resolution is in it
            // fires again
            if (!caughtUp
                    && partitions.stream()
                            .allMatch(p -> consumer.position(p) >= Math.max(forwardFrom.get(p), ends.get(p)))) {
                if (!deliver(openEpisodes(), running)) {
                    return;
                }
                // where the group had no offsets, this is where forwarding began
                Map<TopicPartition, OffsetAndMetadata> start = new HashMap<>();
                partitions.forEach(p -> start.put(p, new OffsetAndMetadata(consumer.position(p))));
                consumer.commitSync(start);
                caughtUp = true;
                lastResend = System.nanoTime();
                out.printf("forwarding %s to %s; %d open episode(s) posted again%n", topic, alertmanager, open.size());
            }
            if (caughtUp && System.nanoTime() - lastResend >= resendEvery.toNanos()) {
                if (!deliver(openEpisodes(), running)) {
                    return;
                }
                lastResend = System.nanoTime();
                out.printf("%d open episode(s) posted again%n", open.size());
            }
            out.flush();
            if (!heldBack.isEmpty() && !backoff.pause(running)) {
                return;
            } else if (heldBack.isEmpty()) {
                backoff.reset();
            }
        }
    }

    /** The topic's partitions, once it exists: the job creates it when it first starts. */
    private List<TopicPartition> partitions(BooleanSupplier running) throws InterruptedException {
        Backoff backoff = new Backoff();
        while (true) {
            List<TopicPartition> partitions = KafkaReaders.partitions(consumer, topic);
            if (!partitions.isEmpty()) {
                return partitions;
            }
            out.println("topic " + topic + " does not exist yet; waiting for surge to create it");
            out.flush();
            if (!backoff.pause(running)) {
                return List.of();
            }
        }
    }

    private List<AlertmanagerAlert> openEpisodes() {
        return open.firing().stream()
                .map(alert -> AlertmanagerAlert.of(alert, dashboard))
                .toList();
    }

    /**
     * The alert a record holds, or null for one whose bytes are no alert or that was written before episodes (it
     * would never resolve): both are skipped, with a line when they are news.
     *
     * @throws RegistryUnavailable when the registry cannot give its schema now
     */
    private SurgeAlert decode(ConsumerRecord<byte[], byte[]> record, boolean news) throws RegistryUnavailable {
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
            if (e.reason() == Reason.REGISTRY_REFUSED || e.reason() == Reason.UNKNOWN_SCHEMA) {
                throw new RegistryUnavailable(e.getMessage());
            }
            if (news) {
                out.println("skipped " + where + ": cannot decode: " + e.getMessage());
            }
            return null;
        }
    }

    /** The registry refused a schema or does not know it yet: a wrong password, a registry being restored. */
    private static final class RegistryUnavailable extends Exception {
        private static final long serialVersionUID = 1L;

        RegistryUnavailable(String message) {
            super(message, null, false, false);
        }
    }

    /** Waits longer each time, from 1 s up to {@link #MAX_BACKOFF}, while running. */
    private static final class Backoff {
        private Duration next = Duration.ofSeconds(1);

        /** @return false when asked to stop meanwhile */
        boolean pause(BooleanSupplier running) throws InterruptedException {
            long until = System.nanoTime() + next.toNanos();
            while (System.nanoTime() < until) {
                if (!running.getAsBoolean()) {
                    return false;
                }
                Thread.sleep(100);
            }
            next = next.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : next.multipliedBy(2);
            return true;
        }

        void reset() {
            next = Duration.ofSeconds(1);
        }
    }

    /**
     * Posts until Alertmanager takes the alerts, {@link #CHUNK} at a time, waiting longer each time it cannot, or
     * refuses them as malformed (which posting again would not change; they are reported and left).
     *
     * @return false when asked to stop before then
     */
    private boolean deliver(List<AlertmanagerAlert> alerts, BooleanSupplier running) throws InterruptedException {
        for (int from = 0; from < alerts.size(); from += CHUNK) {
            List<AlertmanagerAlert> chunk = alerts.subList(from, Math.min(from + CHUNK, alerts.size()));
            Backoff backoff = new Backoff();
            while (true) {
                try {
                    alertmanager.post(chunk);
                    break;
                } catch (AlertmanagerClient.Refused e) {
                    out.println(
                            "Alertmanager refused " + chunk.size() + " alert(s), which are skipped: " + e.getMessage());
                    break;
                } catch (AlertmanagerClient.Unavailable e) {
                    out.println("Alertmanager cannot take alerts now, trying again: " + e.getMessage());
                    out.flush();
                }
                if (!backoff.pause(running)) {
                    return false;
                }
            }
        }
        return true;
    }
}
