package io.surge.recovery;

import io.surge.config.CheckpointPacing;
import io.surge.config.SurgeConfig;
import io.surge.io.kafka.KafkaReaders;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the checkpoints of a job this process runs as soon as its windows have closed ({@code checkpoint.pacing:
 * windows}), rather than on Flink's clock alone. An exactly-once result becomes visible when the checkpoint after it
 * completes. Flink's clock runs every {@code checkpoint.interval} from a phase of its own, and the windows close every
 * slide at theirs, so on that clock a result waits for its commit anything from nothing to a whole interval, the same
 * for every window of a run.
 *
 * <p>Here the job's own multipliers topic, read uncommitted, says when a window has closed: a result of it is written.
 * A checkpoint started then holds every result of that window, not only those written so far: a result is written
 * once the watermark has passed its window in the operator that emits it, which takes the watermark of every source
 * subtask past it, and each source puts the checkpoint's barrier behind the watermarks it has emitted, so every
 * operator emits the window's results before it takes the barrier. At most one checkpoint starts this way per {@link
 * #SPACING} of a slide.
 *
 * <p>An at-least-once job's results are readable as they are written, but a checkpoint can hold them back: before its
 * barrier every operator writes the zones it holds on the heap back to RocksDB, and results the watermark would release
 * meanwhile wait. On Flink's clock, a run whose checkpoints fall as its windows close has every window's results wait
 * that long. Its checkpoints start half a slide after its windows close instead, as far from the last close as from
 * the next.
 *
 * <p>Flink's clock stays on as a backstop, held back while checkpoints complete anyway: it starts one only when none
 * has completed for a {@code checkpoint.interval} (no traffic, or this pacer unable to read or to trigger), so every
 * output's transactions still commit at least that often.
 */
public final class WindowCheckpoints implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WindowCheckpoints.class);
    /**
     * The least share of a slide between two checkpoints started after results: one per slide as windows close, and
     * more often while a backlog has them close faster than in real time.
     */
    static final double SPACING = 0.8;
    /** How long a poll of the results waits for some. */
    private static final Duration POLL = Duration.ofMillis(20);
    /** How long Flink's REST API may take to accept a checkpoint. */
    private static final Duration TRIGGER_TIMEOUT = Duration.ofSeconds(10);
    /** How long the reader of the results waits for the broker in one call. */
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(5);
    /**
     * How long Flink keeps the result of each checkpoint this pacer starts. Flink keeps a REST operation's result until
     * a client reads it, and a cluster shutting down waits for that, by default for 5 minutes; the pacer reads none
     * (the job's checkpoint statistics say how each went), so a paced local cluster outlived its job by 5 minutes and
     * a process ending sooner left its working directory and RPC jar behind.
     */
    private static final Duration UNREAD_RESULTS_KEPT = Duration.ofSeconds(1);

    private final SurgeConfig config;
    private final HttpClient http = HttpClient.newHttpClient();
    private final HttpRequest trigger;
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** The consumer reading the results, woken to stop: an interrupt had it log a stack trace as it closed. */
    private volatile KafkaConsumer<byte[], byte[]> reading;

    private final Thread thread;

    private WindowCheckpoints(SurgeConfig config, HttpRequest trigger) {
        this.config = config;
        this.trigger = trigger;
        this.thread = new Thread(this::pace, "surge checkpoints at window close");
        this.thread.setDaemon(true);
    }

    /**
     * Flink's settings for a job this process paces: its own clock held back while checkpoints complete, so that it
     * starts one only when the pacer has not for an interval, and the pacer's checkpoints' results kept only briefly.
     */
    public static void configure(Configuration flink, SurgeConfig config) {
        if (paced(config)) {
            flink.set(
                    CheckpointingOptions.MIN_PAUSE_BETWEEN_CHECKPOINTS,
                    config.checkpointing().interval());
            flink.set(RestOptions.ASYNC_OPERATION_STORE_DURATION, UNREAD_RESULTS_KEPT);
        }
    }

    /**
     * Paces the checkpoints of {@code job}, run by the Flink of this process whose REST API {@code flink} puts on a
     * loopback port, when the configuration asks for it and {@link #configure} set Flink up for it.
     *
     * @return the pacer, to close once the job has ended, or null when Flink's clock alone paces the checkpoints
     */
    public static WindowCheckpoints pace(SurgeConfig config, Configuration flink, JobID job) {
        if (!paced(config)) {
            return null;
        }
        HttpRequest trigger = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + flink.get(RestOptions.PORT) + "/jobs/" + job + "/checkpoints"))
                .header("Content-Type", "application/json")
                .timeout(TRIGGER_TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofString("{\"checkpointType\": \"CONFIGURED\"}"))
                .build();
        WindowCheckpoints pacer = new WindowCheckpoints(config, trigger);
        pacer.thread.start();
        return pacer;
    }

    private static boolean paced(SurgeConfig config) {
        return config.checkpointing().pacing() == CheckpointPacing.WINDOWS;
    }

    /**
     * When to start a checkpoint, from when results are read: {@code delay} after the first result read once {@code
     * spacing} has passed since the last one started, and later whenever results read since then may not be in it.
     * Pure, so that its timing is tested on a clock of the test's own.
     */
    static final class Schedule {
        private final long spacing;
        private final long delay;
        private long last;
        // whether results were read since the last checkpoint started that it may not hold, and since when
        private boolean owed;
        private long owedSince;

        Schedule(long spacing, long delay, long now) {
            this.spacing = spacing;
            this.delay = delay;
            // so that the first results start one at once
            this.last = now - spacing;
        }

        /** Whether to start a checkpoint at {@code now}, after a poll that {@code read} results or none. */
        boolean poll(long now, boolean read) {
            long sinceLast = now - last;
            // Those read in the first half of the spacing are the rest of the window whose first result started the
            // last one, which holds them already; owing a checkpoint for them started the next one before the next
            // window closed, and that window's results then waited out the spacing.
            if (!owed && read && sinceLast >= spacing / 2) {
                owed = true;
                owedSince = now;
            }
            if (owed && sinceLast >= spacing && now - owedSince >= delay) {
                last = now;
                owed = false;
                return true;
            }
            return false;
        }

        /** The checkpoint {@link #poll} asked for did not start: its results are owed one still. */
        void notStarted() {
            owed = true;
        }
    }

    private void pace() {
        long slide = config.window().slideMillis();
        Schedule schedule =
                new Schedule((long) (slide * SPACING), config.output().exactlyOnce() ? 0 : slide / 2, now());
        boolean warned = false;
        while (running()) {
            try (KafkaConsumer<byte[], byte[]> results = openResults()) {
                reading = results;
                while (running()) {
                    boolean read = !results.poll(POLL).isEmpty();
                    warned = false;
                    if (schedule.poll(now(), read) && !started()) {
                        schedule.notStarted();
                    }
                }
            } catch (KafkaException e) {
                if (!running()) {
                    return;
                }
                if (!warned) {
                    // Flink's clock, held back only while checkpoints complete, takes over meanwhile
                    LOG.warn(
                            "cannot read {} to start checkpoints as windows close ({}); checkpoint.pacing: windows"
                                    + " needs READ on it for surge's Kafka principal. Checkpoints run every"
                                    + " checkpoint.interval on Flink's clock until it can",
                            config.topics().multipliers(),
                            e.toString());
                    warned = true;
                }
                try {
                    if (stopped.await(config.checkpointing().interval().toMillis(), TimeUnit.MILLISECONDS)) {
                        return;
                    }
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    private boolean running() {
        return stopped.getCount() > 0;
    }

    private static long now() {
        return System.nanoTime() / 1_000_000;
    }

    /**
     * The job's multipliers, read uncommitted from the last stable offset: results written before this thread got
     * here, and not committed yet, are as much a reason for a checkpoint as the ones to come.
     */
    private KafkaConsumer<byte[], byte[]> openResults() {
        Map<String, Object> settings = Map.of(
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000, ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int)
                        READ_TIMEOUT.toMillis());
        KafkaConsumer<byte[], byte[]> results =
                KafkaReaders.create(config.kafka(), null, KafkaReaders.Isolation.UNCOMMITTED, false, settings);
        try (KafkaConsumer<byte[], byte[]> committed =
                KafkaReaders.create(config.kafka(), null, KafkaReaders.Isolation.COMMITTED, false, settings)) {
            List<TopicPartition> partitions =
                    KafkaReaders.partitions(results, config.topics().multipliers());
            if (partitions.isEmpty()) {
                throw new UnknownTopicOrPartitionException(config.topics().multipliers() + " has no partitions");
            }
            results.assign(partitions);
            committed.endOffsets(partitions).forEach(results::seek);
            return results;
        } catch (KafkaException e) {
            results.close();
            throw e;
        }
    }

    /** Starts a checkpoint; false when Flink could not (the job starting, restarting or ending). */
    private boolean started() {
        try {
            HttpResponse<String> answer = http.send(trigger, HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() == 202) {
                // when diagnosing latency: which checkpoints this pacer started, against Flink's clock
                LOG.debug("started a checkpoint: {}", answer.body());
                return true;
            }
            LOG.warn("could not start a checkpoint: Flink answered {}: {}", answer.statusCode(), answer.body());
        } catch (IOException e) {
            LOG.warn("could not start a checkpoint: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped.countDown();
        }
        return false;
    }

    @Override
    public void close() throws InterruptedException {
        stopped.countDown();
        KafkaConsumer<byte[], byte[]> results = reading;
        if (results != null) {
            results.wakeup();
        }
        thread.join();
    }
}
