package io.surge.bench;

import io.surge.SurgeJob;
import io.surge.avro.SurgeMultiplier;
import io.surge.config.SurgeConfig;
import io.surge.embedded.FreePort;
import io.surge.generator.InputWriter;
import io.surge.io.kafka.KafkaReaders;
import io.surge.io.registry.SchemaRegistryClient;
import io.surge.io.serde.TopicDecoders;
import io.surge.io.serde.UndecodableException;
import io.surge.recovery.WindowCheckpoints;
import io.surge.time.Clock;
import io.surge.time.Waiting;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * Surge under a fixed offered load in real time: the benchmark's workload, played at a set rate while the job runs
 * (a cheap generator, so that it leaves the CPU to the job), and two consumers of the multipliers topic, one
 * read_uncommitted and one read_committed, note when each result becomes readable. A result's latency is counted
 * from the moment its window could close: its end plus the out-of-orderness bound, since no watermark can pass the
 * end earlier.
 */
final class LatencyProbe {

    private LatencyProbe() {}

    /**
     * @param config a contender's configuration (its own topics, the delivery to measure); input is unbounded here
     * @param traffic what to offer, played in real time: its rate is the offered load
     */
    static LatencyMeasurement run(String label, SurgeConfig config, int parallelism, BenchWorkload traffic)
            throws Exception {
        try (CheckpointDirectory checkpoints = CheckpointDirectory.create()) {
            Configuration flink = checkpoints.flinkSettings(config);
            // as surge run has it: its REST API on a loopback port, through which its checkpoints are paced
            flink.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
            flink.set(RestOptions.PORT, FreePort.pick());
            WindowCheckpoints.configure(flink, config);
            return measure(label, config, traffic, parallelism, flink);
        }
    }

    private static LatencyMeasurement measure(
            String label, SurgeConfig config, BenchWorkload traffic, int parallelism, Configuration flink)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, flink);
        SchemaRegistryClient registry = new SchemaRegistryClient(config.registry());
        SurgeJob.buildOnKafka(env, config, Clock.system());
        AtomicBoolean reading = new AtomicBoolean(true);
        Reader uncommitted = new Reader(config, KafkaReaders.Isolation.UNCOMMITTED, registry, reading);
        Reader committed = new Reader(config, KafkaReaders.Isolation.COMMITTED, registry, reading);
        JobClient job = env.executeAsync(config.jobName());
        WindowCheckpoints paced = WindowCheckpoints.pace(config, flink, job.getJobID());
        long sendStart;
        long sendEnd;
        long sent;
        // windows that closed once the job had warmed up (two slides in) and before the traffic stopped
        long bound = config.watermarks().outOfOrderness().toMillis();
        long slide = config.window().slideMillis();
        long from;
        long until;
        try {
            uncommitted.start();
            committed.start();
            // each record sent as it comes, like the phones that produce them: the wait is surge's, not a batch's
            try (InputWriter inputs = new InputWriter(config.kafkaJob(), Duration.ZERO)) {
                sendStart = System.currentTimeMillis();
                traffic.playTo(inputs);
                sendEnd = System.currentTimeMillis();
                sent = inputs.sent();
            }
            from = sendStart + 2 * slide;
            until = sendEnd - bound;
            long lastWindowEnd = Math.floorDiv(until, slide) * slide;
            Waiting.until(
                    () -> uncommitted.latestWindowEnd() >= lastWindowEnd,
                    Duration.ofMinutes(2),
                    "the last window closed while traffic flowed to be written");
            Waiting.until(
                    () -> counted(committed, from, until, bound) == counted(uncommitted, from, until, bound),
                    Duration.ofMinutes(2),
                    "every result written to be committed");
        } finally {
            reading.set(false);
            uncommitted.join();
            committed.join();
            if (paced != null) {
                paced.close();
            }
            job.cancel().get();
            // ended, so that nothing writes to its checkpoint directory any more
            job.getJobExecutionResult().handle((result, failure) -> null).get();
        }
        return new LatencyMeasurement(
                label,
                sent / ((sendEnd - sendStart) / 1000.0),
                Latencies.of(uncommitted.arrivals(), from, until, bound),
                Latencies.of(committed.arrivals(), from, until, bound));
    }

    private static int counted(Reader reader, long from, long until, long bound) {
        return Latencies.of(reader.arrivals(), from, until, bound).results();
    }

    /** When each result (its window end) became readable to one consumer. */
    private static final class Reader extends Thread {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final TopicDecoders decoders;
        private final AtomicBoolean reading;
        /** Per result read: its window end and when it was read; written by this thread, read by the prober. */
        private final List<long[]> arrivals = new ArrayList<>();

        Reader(
                SurgeConfig config,
                KafkaReaders.Isolation isolation,
                SchemaRegistryClient registry,
                AtomicBoolean reading) {
            super("latency-" + isolation);
            this.consumer = KafkaReaders.create(config.kafka(), config.jobName() + "-" + isolation, isolation, true);
            this.consumer.subscribe(List.of(config.topics().multipliers()));
            this.decoders = new TopicDecoders(config.topics(), registry::schemaById);
            this.reading = reading;
        }

        @Override
        public void run() {
            try (consumer) {
                while (reading.get()) {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(20))) {
                        long now = System.currentTimeMillis();
                        try {
                            long windowEnd = ((SurgeMultiplier) decoders.decode(record.topic(), record.value()))
                                    .getWindowEnd()
                                    .toEpochMilli();
                            synchronized (arrivals) {
                                arrivals.add(new long[] {windowEnd, now});
                            }
                        } catch (UndecodableException e) {
                            throw new IllegalStateException("a result does not decode: " + e.getMessage(), e);
                        }
                    }
                }
            }
        }

        List<long[]> arrivals() {
            synchronized (arrivals) {
                return List.copyOf(arrivals);
            }
        }

        long latestWindowEnd() {
            return arrivals().stream().mapToLong(arrival -> arrival[0]).max().orElse(Long.MIN_VALUE);
        }
    }
}
