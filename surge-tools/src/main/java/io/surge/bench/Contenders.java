package io.surge.bench;

import io.surge.SurgeJob;
import io.surge.avro.AlertStatus;
import io.surge.avro.SurgeAlert;
import io.surge.avro.SurgeMultiplier;
import io.surge.config.SurgeConfig;
import io.surge.io.kafka.KafkaEndpoints;
import io.surge.io.kafka.TopicSetup;
import io.surge.io.kafka.TopicSnapshot;
import io.surge.io.registry.SchemaRegistryClient;
import io.surge.io.serde.TopicDecoders;
import io.surge.io.serde.UndecodableException;
import io.surge.time.Clock;
import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;

/** The ways of computing (or just reading) the benchmark's input that one run compares. */
final class Contenders {

    private Contenders() {}

    /**
     * The surge job itself on an in-process Flink, its input bounded to what the topics hold, as {@code surge run}
     * would run it.
     *
     * @param judgePrices whether to read back the quality of its raw and published prices
     */
    static Measurement surge(
            String label, SurgeConfig config, int parallelism, long events, boolean withRules, boolean judgePrices)
            throws Exception {
        Measurement measurement = flinkJob(
                label,
                config,
                parallelism,
                events,
                withRules,
                env -> SurgeJob.buildOnKafka(env, config, Clock.system()));
        return !judgePrices
                ? measurement
                : new Measurement(
                        measurement.contender(),
                        measurement.events(),
                        measurement.seconds(),
                        measurement.cpuSeconds(),
                        measurement.results(),
                        measurement.multiplierAlerts(),
                        measurement.footprint(),
                        PriceQuality.committed(config));
    }

    /** The seed design's way of computing the same multipliers: Flink's sliding windows and an aggregate. */
    static Measurement seedDesign(SurgeConfig config, int parallelism, long events) throws Exception {
        return flinkJob(
                Contender.SEED_DESIGN.label(),
                config,
                parallelism,
                events,
                false,
                env -> SeedDesignBaseline.build(env, config));
    }

    /** Creates a contender's topics and registers its multipliers schema; returns the schema id. */
    static int prepareMultipliers(SurgeConfig config) {
        TopicSetup.ensureTopics(config.kafkaJob());
        return KafkaEndpoints.outputSchemas(config.kafkaJob())
                .prepare(config.topics().multipliers(), SurgeMultiplier.getClassSchema());
    }

    /** Registers a contender's alerts schema; returns the schema id. */
    static int prepareAlerts(SurgeConfig config) {
        return KafkaEndpoints.outputSchemas(config.kafkaJob())
                .prepare(config.topics().alerts(), SurgeAlert.getClassSchema());
    }

    /** The same multipliers in Flink SQL, and the alerts of the rules SQL can express. */
    static Measurement flinkSql(SurgeConfig config, int parallelism, long events) throws Exception {
        return flinkJob(
                Contender.FLINK_SQL.label(),
                config,
                parallelism,
                events,
                true,
                env -> FlinkSqlContender.build(env, config));
    }

    /**
     * Runs a job on bounded input on a local cluster of its own, timed by Flink's own job runtime, which excludes
     * starting the cluster, with its {@link JobFootprint}.
     *
     * @param raisesAlerts whether the job computes alerts, so that its alerts topic is read
     */
    private static Measurement flinkJob(
            String label,
            SurgeConfig config,
            int parallelism,
            long events,
            boolean raisesAlerts,
            Consumer<StreamExecutionEnvironment> build)
            throws Exception {
        try (CheckpointDirectory checkpoints = CheckpointDirectory.create()) {
            Configuration flink = checkpoints.flinkSettings(config);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, flink);
            build.accept(env);
            StreamGraph job = env.getStreamGraph();
            job.setJobName(config.jobName());
            MiniClusterConfiguration cluster = new MiniClusterConfiguration.Builder()
                    .setConfiguration(flink)
                    .setNumSlotsPerTaskManager(parallelism)
                    .withRandomPorts()
                    .build();
            try (MiniCluster local = new MiniCluster(cluster)) {
                local.start();
                JobResult result;
                JobFootprint footprint;
                double cpu;
                // watched from before the CPU count starts: the full collection that sets the baseline is not the job's
                try (HeapAfterGc heap = HeapAfterGc.watch()) {
                    long cpuBefore = processCpuNanos();
                    JobID id = local.submitJob(job).get().getJobID();
                    result = local.requestJobResult(id).get();
                    footprint = JobFootprint.of(
                            local.getArchivedExecutionGraph(id).get().getCheckpointStatsSnapshot(),
                            heap.peakAboveBaseline());
                    cpu = (processCpuNanos() - cpuBefore) / 1e9;
                }
                // a failed job throws here, with its cause
                result.toJobExecutionResult(Contenders.class.getClassLoader());
                return new Measurement(
                        label,
                        events,
                        result.getNetRuntime() / 1000.0,
                        cpu,
                        multipliers(config),
                        raisesAlerts ? multiplierAlerts(config) : null,
                        footprint,
                        null);
            }
        }
    }

    /** The ceiling: a plain consumer that reads every input record and decodes it, nothing more. */
    static Measurement decodeOnly(SurgeConfig config) {
        TopicDecoders decoders = decoders(config);
        long cpuBefore = processCpuNanos();
        long start = System.nanoTime();
        long events = TopicSnapshot.forEachCommitted(
                config.kafkaJob(), config.topics().inputTopics(), record -> {
                    try {
                        decoders.decode(record.topic(), record.value());
                    } catch (UndecodableException e) {
                        throw new IllegalStateException(
                                "the benchmark's own input does not decode: " + e.getMessage(), e);
                    }
                });
        return new Measurement(
                "decode only (ceiling)",
                events,
                (System.nanoTime() - start) / 1e9,
                (processCpuNanos() - cpuBefore) / 1e9,
                ResultDigest.NONE,
                null,
                null,
                null);
    }

    /** What a read_committed consumer finds in the multipliers topic: every record, duplicates included. */
    static ResultDigest multipliers(SurgeConfig config) {
        ResultDigest[] digest = {ResultDigest.NONE};
        forEachResult(
                config,
                config.topics().multipliers(),
                SurgeMultiplier.class,
                m -> digest[0] =
                        digest[0].add(m.getZoneId(), m.getWindowEnd().toEpochMilli(), m.getDemand(), m.getSupply()));
        return digest[0];
    }

    /**
     * The episodes a read_committed consumer finds opened in the alerts topic by the rules Flink SQL can express too.
     * Their resolutions are left out: which of them a run writes depends on how far its watermark got when stopped.
     */
    static ResultDigest multiplierAlerts(SurgeConfig config) {
        ResultDigest[] digest = {ResultDigest.NONE};
        forEachResult(config, config.topics().alerts(), SurgeAlert.class, alert -> {
            if (FlinkSqlContender.RULE_NAMES.contains(alert.getRule()) && alert.getStatus() == AlertStatus.FIRING) {
                digest[0] = digest[0].add(
                        alert.getRule() + "/" + alert.getZoneId(),
                        alert.getFirstEventTime().toEpochMilli(),
                        alert.getLastEventTime().toEpochMilli(),
                        0);
            }
        });
        return digest[0];
    }

    /** The last record of each zone and window in the multipliers topic, for contenders that emit updates. */
    static ResultDigest lastMultiplierPerWindow(SurgeConfig config) {
        Map<String, SurgeMultiplier> last = new HashMap<>();
        forEachResult(
                config,
                config.topics().multipliers(),
                SurgeMultiplier.class,
                m -> last.put(m.getZoneId() + "@" + m.getWindowEnd().toEpochMilli(), m));
        ResultDigest digest = ResultDigest.NONE;
        for (SurgeMultiplier m : last.values()) {
            digest = digest.add(m.getZoneId(), m.getWindowEnd().toEpochMilli(), m.getDemand(), m.getSupply());
        }
        return digest;
    }

    /** Every committed record of an output topic, decoded. */
    static <R> void forEachResult(SurgeConfig config, String topic, Class<R> type, Consumer<R> each) {
        TopicDecoders decoders = decoders(config);
        TopicSnapshot.forEachCommitted(config.kafkaJob(), List.of(topic), record -> {
            try {
                each.accept(type.cast(decoders.decode(record.topic(), record.value())));
            } catch (UndecodableException e) {
                throw new IllegalStateException("a result in " + topic + " does not decode: " + e.getMessage(), e);
            }
        });
    }

    private static TopicDecoders decoders(SurgeConfig config) {
        return new TopicDecoders(config.topics(), new SchemaRegistryClient(config.registry())::schemaById);
    }

    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
