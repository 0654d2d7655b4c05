package io.surge.config;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;

/** The Flink configuration a surge job runs with, derived from its {@link SurgeConfig}. */
public final class FlinkSettings {

    private FlinkSettings() {}

    public static Configuration of(SurgeConfig config) {
        Configuration flink = new Configuration();
        Checkpointing checkpointing = config.checkpointing();
        flink.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, checkpointing.interval());
        flink.set(CheckpointingOptions.CHECKPOINTING_TIMEOUT, checkpointing.timeout());
        flink.set(StateBackendOptions.STATE_BACKEND, config.checkpointing().backend().flinkName());
        flink.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        if (checkpointing.dir() != null) {
            retainCheckpointsIn(flink, checkpointing.dir());
        }
        flink.set(PipelineOptions.AUTO_WATERMARK_INTERVAL, config.watermarks().interval());
        flink.set(ExecutionOptions.BUFFER_TIMEOUT, config.bufferTimeout());
        // fixed, so that a savepoint resumes at any parallelism up to it: zones move between subtasks in 128 key groups
        flink.set(PipelineOptions.MAX_PARALLELISM, 128);
        // Records between operators are immutable, so handing the same instance on is safe and saves a copy.
        flink.set(PipelineOptions.OBJECT_REUSE, true);
        // Every type on the wire has a Flink serializer; a silent fallback to Kryo would be a bug, so it fails.
        flink.set(PipelineOptions.GENERIC_TYPES, false);
        return flink;
    }

    /**
     * Flink's Prometheus reporter on {@code port}, as on a cluster: every metric at {@code http://host:port/metrics},
     * named as docker-compose's and the Kubernetes manifest's reporters name them, so one dashboard serves all. Flink's
     * reporter listens on every interface of the machine.
     */
    public static void exposeMetrics(Configuration flink, int port) {
        flink.set(ConfigOptions.key("metrics.reporter.prom.factory.class").stringType().noDefaultValue(),
                "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        flink.set(ConfigOptions.key("metrics.reporter.prom.port").stringType().noDefaultValue(),
                String.valueOf(port));
    }

    /**
     * Keeps checkpoints in {@code directory} after the job ends, cancelled or crashed, and the two newest of them, so
     * that a restart can fall back to the older one when the newest turns out unreadable.
     */
    public static void retainCheckpointsIn(Configuration flink, String directory) {
        flink.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, directory);
        flink.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        flink.set(CheckpointingOptions.MAX_RETAINED_CHECKPOINTS, 2);
    }
}
