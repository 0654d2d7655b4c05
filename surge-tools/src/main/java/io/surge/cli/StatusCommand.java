package io.surge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.surge.config.SurgeConfig;
import io.surge.io.kafka.DivertedRecordSerializer;
import io.surge.io.kafka.KafkaReaders;
import io.surge.io.kafka.KafkaSetupException;
import io.surge.monitoring.FlinkRest;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The one screen an operator reads first: the job's state and its last checkpoint (from Flink's REST API, when given),
 * how far its event time is behind the clock, its consumer lag per input partition, and what it wrote in the last
 * minute. Exit code 0 when healthy, 1 when something is wrong (each reason on a line of its own), for scripts and
 * probes.
 */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = {
            "Show whether the surge job is healthy: job, checkpoint, watermark, consumer lag, recent results,"
                    + " dead letters and late events.",
            "Exit code 0 when healthy, 1 when not."
        })
final class StatusCommand implements Callable<Integer> {

    private static final Duration RECENT = Duration.ofMinutes(1);

    @Option(
            names = "--flink",
            paramLabel = "URL",
            description = "Flink's REST API (its web UI address), for the job's state, checkpoints and watermark.")
    String flink;

    @Mixin
    ConfigOptions config;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        SurgeConfig surge = config.load();
        PrintWriter out = spec.commandLine().getOut();
        Instant now = Instant.now();
        List<String> problems = new ArrayList<>();
        out.printf("surge status of job %s at %s%n%n", surge.jobName(), now);
        if (flink != null) {
            try {
                job(surge, now, out, problems);
            } catch (IOException e) {
                out.printf(
                        "job            no answer from Flink at %s (%s)%n",
                        flink, e.getClass().getSimpleName());
                problems.add("Flink's REST API at " + flink + " does not answer: the job is down, or --flink is not"
                        + " where it runs");
            }
        } else {
            out.println("job            (give --flink URL for its state, checkpoints and watermark)");
        }
        try (Admin admin = Admin.create(surge.kafka().clientProperties(Map.of("default.api.timeout.ms", "30000")))) {
            inputLag(surge, admin, out, problems);
            recent(surge, admin, now, out, problems);
        } catch (ExecutionException | TimeoutException e) {
            throw new KafkaSetupException(
                    "cannot read the job's topics on Kafka at " + surge.bootstrapServers() + ": " + e.getMessage()
                            + "; check kafka.bootstrap and that the broker is up",
                    e);
        }
        out.println();
        if (problems.isEmpty()) {
            out.println("healthy");
        } else {
            problems.forEach(problem -> out.println("UNHEALTHY: " + problem));
        }
        out.flush();
        return problems.isEmpty() ? 0 : 1;
    }

    /** The job's state, uptime, last checkpoint and the windows' watermark, from Flink's REST API. */
    private void job(SurgeConfig surge, Instant now, PrintWriter out, List<String> problems)
            throws IOException, InterruptedException {
        FlinkRest rest = new FlinkRest(flink);
        Optional<JsonNode> newest = rest.newestJob(surge.jobName());
        if (newest.isEmpty()) {
            out.printf("job            none named %s on %s%n", surge.jobName(), flink);
            problems.add("no job named " + surge.jobName() + " on " + flink);
            return;
        }
        JsonNode job = newest.get();
        String id = job.path("jid").asText();
        String state = job.path("state").asText();
        out.printf(
                "job            %s, %s for %s (%s)%n",
                id, state, duration(Duration.ofMillis(job.path("duration").asLong())), flink + "/#/job/running/" + id);
        if (!state.equals("RUNNING")) {
            problems.add("the job is " + state);
            return;
        }
        Optional<JsonNode> latest = rest.latestCheckpoint(id);
        if (latest.isEmpty()) {
            out.println("checkpoint     none completed yet");
            problems.add("no checkpoint completed yet: exactly-once results are not visible");
        } else {
            JsonNode completed = latest.get();
            Duration age = Duration.between(
                    Instant.ofEpochMilli(completed.path("latest_ack_timestamp").asLong()), now);
            out.printf(
                    "checkpoint     #%d, %s ago, took %d ms, %,d bytes%n",
                    completed.path("id").asLong(),
                    duration(age),
                    completed.path("end_to_end_duration").asLong(),
                    completed.path("checkpointed_size").asLong());
            Duration allowed = surge.checkpointing()
                    .interval()
                    .multipliedBy(3)
                    .plus(surge.checkpointing().timeout());
            if (age.compareTo(allowed) > 0) {
                problems.add("the last checkpoint completed " + duration(age) + " ago: results are not committed");
            }
        }
        OptionalLong watermark = rest.watermark(id, "Surge windows per zone");
        if (watermark.isEmpty()) {
            out.println("watermark      none yet");
        } else {
            Duration behind = Duration.between(Instant.ofEpochMilli(watermark.getAsLong()), now);
            out.printf(
                    "watermark      %s, %s %s the clock%n",
                    Instant.ofEpochMilli(watermark.getAsLong()),
                    duration(behind.abs()),
                    behind.isNegative() ? "AHEAD of" : "behind");
            if (behind.isNegative()) {
                // the job's own watermark never passes its clock: this one was restored from a checkpoint of an
                // older build, or this machine's clock is behind the job's
                problems.add("the watermark is " + duration(behind.abs()) + " ahead of this machine's clock: records"
                        + " up to it are late");
            }
        }
    }

    /** The job's consumer group's committed offsets against the end of every input partition. */
    private static void inputLag(SurgeConfig surge, Admin admin, PrintWriter out, List<String> problems)
            throws ExecutionException, InterruptedException, TimeoutException {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(surge.jobName())
                .partitionsToOffsetAndMetadata()
                .get(15, TimeUnit.SECONDS);
        Map<TopicPartition, Long> ends =
                offsets(admin, partitions(admin, surge.topics().inputTopics()), OffsetSpec.latest());
        Map<TopicPartition, Long> lag = new TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));
        ends.forEach((partition, end) -> {
            OffsetAndMetadata offset = committed.get(partition);
            lag.put(partition, end - (offset == null ? 0 : offset.offset()));
        });
        out.printf(
                "input lag      %,d records behind (consumer group %s): %s%n",
                lag.values().stream().mapToLong(Long::longValue).sum(),
                surge.jobName(),
                lag.entrySet().stream()
                        .map(entry -> entry.getKey() + " " + entry.getValue())
                        .collect(Collectors.joining(", ")));
    }

    /**
     * What the job wrote in the last minute, as a read_committed consumer sees it: results, alerts, late events, and
     * dead letters by reason. Input arriving with no result coming out is a problem.
     */
    private static void recent(SurgeConfig surge, Admin admin, Instant now, PrintWriter out, List<String> problems)
            throws ExecutionException, InterruptedException, TimeoutException {
        long since = now.minus(RECENT).toEpochMilli();
        long inputs = count(admin, surge.topics().inputTopics(), since);
        Map<String, Long> results = read(surge, admin, surge.topics().multipliers(), since, false);
        Map<String, Long> alerts = read(surge, admin, surge.topics().alerts(), since, false);
        Map<String, Long> late = read(surge, admin, surge.topics().lateEvents(), since, true);
        Map<String, Long> deadLetters = read(surge, admin, surge.topics().deadLetters(), since, true);
        out.printf(
                "last minute    %,d input records, %,d results, %,d alerts, %,d late, %,d dead letters%s%n",
                inputs,
                total(results),
                total(alerts),
                total(late),
                total(deadLetters),
                deadLetters.isEmpty()
                        ? ""
                        : " ("
                                + deadLetters.entrySet().stream()
                                        .map(entry -> entry.getKey() + " " + entry.getValue())
                                        .collect(Collectors.joining(", "))
                                + ")");
        if (inputs > 0 && total(results) == 0) {
            problems.add(inputs + " input records arrived in the last minute but no result was committed");
        }
    }

    /** Records of a topic since {@code since}, committed, by {@code surge.reason} or all under one key. */
    private static Map<String, Long> read(SurgeConfig surge, Admin admin, String topic, long since, boolean byReason)
            throws ExecutionException, InterruptedException, TimeoutException {
        List<TopicPartition> partitions = partitions(admin, List.of(topic));
        Map<TopicPartition, Long> from = offsets(admin, partitions, OffsetSpec.forTimestamp(since));
        Map<TopicPartition, Long> to = offsets(admin, partitions, OffsetSpec.latest());
        Map<String, Long> counts = new TreeMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                KafkaReaders.create(surge.kafka(), null, KafkaReaders.Isolation.COMMITTED, true)) {
            consumer.assign(partitions);
            partitions.forEach(partition -> consumer.seek(partition, from.get(partition)));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < to.get(p))
                    && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.timestamp() >= since) {
                        counts.merge(byReason ? reason(record) : "all", 1L, Long::sum);
                    }
                }
            }
        }
        return counts;
    }

    private static String reason(ConsumerRecord<byte[], byte[]> record) {
        Header header = record.headers().lastHeader(DivertedRecordSerializer.REASON);
        return header == null ? "?" : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** Records appended to the topics since {@code since}, from their offsets (markers of transactions included). */
    private static long count(Admin admin, List<String> topics, long since)
            throws ExecutionException, InterruptedException, TimeoutException {
        List<TopicPartition> partitions = partitions(admin, topics);
        Map<TopicPartition, Long> from = offsets(admin, partitions, OffsetSpec.forTimestamp(since));
        Map<TopicPartition, Long> to = offsets(admin, partitions, OffsetSpec.latest());
        return partitions.stream().mapToLong(p -> to.get(p) - from.get(p)).sum();
    }

    private static List<TopicPartition> partitions(Admin admin, List<String> topics)
            throws ExecutionException, InterruptedException, TimeoutException {
        return admin.describeTopics(topics).allTopicNames().get(15, TimeUnit.SECONDS).values().stream()
                .flatMap(topic -> topic.partitions().stream()
                        .map(partition -> new TopicPartition(topic.name(), partition.partition())))
                .toList();
    }

    /** Offsets for a spec; where a timestamp is past every record, the end. */
    private static Map<TopicPartition, Long> offsets(Admin admin, List<TopicPartition> partitions, OffsetSpec spec)
            throws ExecutionException, InterruptedException, TimeoutException {
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> found = admin.listOffsets(
                        partitions.stream().collect(Collectors.toMap(p -> p, p -> spec)))
                .all()
                .get(15, TimeUnit.SECONDS);
        Map<TopicPartition, Long> offsets = new TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));
        Map<TopicPartition, Long> ends =
                spec instanceof OffsetSpec.LatestSpec ? Map.of() : offsets(admin, partitions, OffsetSpec.latest());
        found.forEach(
                (partition, info) -> offsets.put(partition, info.offset() >= 0 ? info.offset() : ends.get(partition)));
        return offsets;
    }

    private static long total(Map<String, Long> counts) {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    private static String duration(Duration duration) {
        long seconds = Math.max(0, duration.toSeconds());
        return seconds < 120 ? seconds + " s" : seconds < 7200 ? seconds / 60 + " min" : seconds / 3600 + " h";
    }
}
