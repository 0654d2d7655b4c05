package io.surge.config;

import java.time.Duration;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;

/** The Flink configuration a surge job runs with, derived from its {@link SurgeConfig}. */
public final class FlinkSettings {

    /** How many times within {@link #FAILURE_INTERVAL} the job restarts before it fails for good. */
    private static final int MAX_FAILURES = 5;

    private static final Duration FAILURE_INTERVAL = Duration.ofMinutes(5);

    private FlinkSettings() {}

    public static Configuration of(SurgeConfig config) {
        Configuration flink = new Configuration();
        Checkpointing checkpointing = config.checkpointing();
        flink.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, checkpointing.interval());
        flink.set(CheckpointingOptions.CHECKPOINTING_TIMEOUT, checkpointing.timeout());
        flink.set(
                StateBackendOptions.STATE_BACKEND,
                config.checkpointing().backend().flinkName());
        flink.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        // Flink's default with checkpointing is to restart forever: a job that cannot restore (a corrupt state file)
        // would retry inside the process for good, where a supervisor must see it fail. A few failures in a while are
        // ridden out, as a lost TaskManager or a broker restart; more end the job.
        flink.set(RestartStrategyOptions.RESTART_STRATEGY, "failure-rate");
        flink.set(RestartStrategyOptions.RESTART_STRATEGY_FAILURE_RATE_MAX_FAILURES_PER_INTERVAL, MAX_FAILURES);
        flink.set(RestartStrategyOptions.RESTART_STRATEGY_FAILURE_RATE_FAILURE_RATE_INTERVAL, FAILURE_INTERVAL);
        flink.set(RestartStrategyOptions.RESTART_STRATEGY_FAILURE_RATE_DELAY, Duration.ofSeconds(2));
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
     * Keeps checkpoints in {@code directory} after the job ends, cancelled or crashed, and the two newest of them, so
     * that a restart can fall back to the older one when the newest turns out unreadable.
     */
    public static void retainCheckpointsIn(Configuration flink, String directory) {
        flink.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, directory);
        flink.set(
                CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        flink.set(CheckpointingOptions.MAX_RETAINED_CHECKPOINTS, 2);
    }
}
