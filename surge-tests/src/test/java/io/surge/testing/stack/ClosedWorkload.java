package io.surge.testing.stack;

import static io.surge.testing.Events.at;

import io.surge.avro.SurgeAlert;
import io.surge.avro.SurgeMultiplier;
import io.surge.ingest.Input;
import io.surge.pricing.ZoneSurge;
import io.surge.testing.CityWorkload;
import io.surge.testing.Inputs;
import io.surge.testing.PriceOracle;
import io.surge.testing.SurgeOracle;
import io.surge.testing.WireRecords;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A seeded city workload, without late or invalid records, followed by a tick on every input partition that closes
 * every window of the workload; and the results the oracle expects of it. For tests that check surge's results are
 * exact through failures, restarts and rescaling.
 */
public final class ClosedWorkload {

    private static final long STEP_MILLIS = 20;

    private final CityWorkload workload;
    private final int partitions;
    private final long end;
    private final List<ZoneSurge> expected;

    private ClosedWorkload(CityWorkload workload, int partitions, long end, List<ZoneSurge> expected) {
        this.workload = workload;
        this.partitions = partitions;
        this.end = end;
        this.expected = expected;
    }

    /** @param partitions of each input topic, each of which gets a tick */
    public static ClosedWorkload generate(long seed, int events, int partitions) {
        CityWorkload workload = CityWorkload.generate(seed, events, at(0), STEP_MILLIS, 4_000, 0.0, 0.0);
        long end = at(events * STEP_MILLIS / 1000 + 60);
        List<SurgeOracle.Observation> observations = new ArrayList<>(workload.validInArrivalOrder());
        for (int partition = 0; partition < partitions; partition++) {
            observations.add(new SurgeOracle.Observation(-1, "zone_50_50", end, null, false));
            observations.add(new SurgeOracle.Observation(-1, "zone_50_50", end, "tick", false));
        }
        List<ZoneSurge> counted = new SurgeOracle(30_000, 5_000, 5_000)
                .replay(observations, end + 60_000)
                .results();
        List<ZoneSurge> expected = PriceOracle.defaults().publish(counted).stream()
                // the windows the ticks close: those ending at least the out-of-orderness bound before them
                .filter(result -> result.windowEnd() - 1 <= end - 5_001)
                .toList();
        return new ClosedWorkload(workload, partitions, end, expected);
    }

    /** The job's processing clock: after every event, so that none is too far in the future. */
    public long now() {
        return end + 60_000;
    }

    public int size() {
        return workload.size();
    }

    /** The event time of the record at {@code index}, give or take its jitter. */
    public long eventTimeAt(int index) {
        return at(0) + index * STEP_MILLIS;
    }

    /** Every (zone, window_end) the job must emit once, with its values. */
    public List<ZoneSurge> expected() {
        return expected;
    }

    /**
     * Reads results into {@code into} until there are as many as {@link #expected}, failing after {@code patience},
     * then for {@code quiet} longer, so that a duplicate or an extra result would show.
     */
    public void readResults(
            KafkaConsumer<byte[], byte[]> results,
            List<ConsumerRecord<byte[], byte[]>> into,
            Duration patience,
            Duration quiet) {
        KafkaClients.pollUntil(
                results, into, read -> read.size() >= expected.size(), patience, expected.size() + " results");
        KafkaClients.pollFor(results, into, quiet);
    }

    /**
     * Sends the events from index {@code from} (inclusive) to {@code to} (exclusive), keyed as surge's inputs are, each
     * to a partition below the workload's partition count chosen by its key: an input topic with more partitions
     * gets nothing of the workload in the others.
     */
    public void send(KafkaProducer<byte[], byte[]> producer, SurgeStack stack, int from, int to) {
        for (Object input : workload.inputs().subList(from, to)) {
            byte[] key = Input.of((SpecificRecord) input).key((SpecificRecord) input);
            producer.send(new ProducerRecord<>(
                    stack.topicOf(input), Math.floorMod(Arrays.hashCode(key), partitions), key, stack.wire(input)));
        }
        producer.flush();
    }

    /**
     * Sends the events from {@code from} to {@code to} at a steady rate, as live traffic arrives; a backlog sent at
     * once would instead let the first partition read advance the watermark past the others' records.
     */
    public void sendAtRate(
            KafkaProducer<byte[], byte[]> producer, SurgeStack stack, int from, int to, int eventsPerSecond)
            throws InterruptedException {
        int batch = Math.max(1, eventsPerSecond / 10);
        long start = System.nanoTime();
        for (int next = from; next < to; next += batch) {
            long wait =
                    start + TimeUnit.MILLISECONDS.toNanos((next - from) * 1000L / eventsPerSecond) - System.nanoTime();
            if (wait > 0) {
                // pacing the traffic, not waiting for the job
                Thread.sleep(TimeUnit.NANOSECONDS.toMillis(wait));
            }
            send(producer, stack, next, Math.min(next + batch, to));
        }
    }

    /** Sends the ticks that close every window of the workload: send them after all events. */
    public void close(KafkaProducer<byte[], byte[]> producer, SurgeStack stack) {
        for (int partition = 0; partition < partitions; partition++) {
            for (Object tick : List.of(
                    Inputs.rideRequest("tick", 0.5, 0.5, end), Inputs.driverStatus("tick", 0.5, 0.5, false, end))) {
                producer.send(new ProducerRecord<>(stack.topicOf(tick), partition, null, null, stack.wire(tick)));
            }
        }
        producer.flush();
    }

    /** Sends all events, then the ticks. */
    public void sendAll(KafkaProducer<byte[], byte[]> producer, SurgeStack stack) {
        send(producer, stack, 0, size());
        close(producer, stack);
    }

    public static ZoneSurge decodeSurge(ConsumerRecord<byte[], byte[]> record) {
        return WireRecords.surge(record.value(), SurgeMultiplier.getClassSchema());
    }

    public static String alertId(ConsumerRecord<byte[], byte[]> record) {
        return WireRecords.<SurgeAlert>decode(record.value(), SurgeAlert.getClassSchema(), SurgeAlert.getClassSchema())
                .getAlertId();
    }
}
