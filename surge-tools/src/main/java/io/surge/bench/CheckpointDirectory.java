package io.surge.bench;

import io.surge.config.FlinkSettings;
import io.surge.config.SurgeConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.WebOptions;
import org.apache.flink.util.FileUtils;

/**
 * Where one contender's job checkpoints: a temporary directory on disk, as {@code surge run} keeps its checkpoints,
 * rather than the job manager's memory, which would neither cost nor allow what they do in production. Deleted when
 * closed, once the job has ended.
 */
final class CheckpointDirectory implements AutoCloseable {

    /** Checkpoints whose statistics a job keeps: every one of a long run at the default interval. */
    private static final int CHECKPOINTS_KEPT = 10_000;

    private final Path directory;

    private CheckpointDirectory(Path directory) {
        this.directory = directory;
    }

    static CheckpointDirectory create() throws IOException {
        return new CheckpointDirectory(Files.createTempDirectory("surge-bench-checkpoints"));
    }

    /** The job's Flink settings, checkpointing here, with the statistics of every checkpoint kept. */
    Configuration flinkSettings(SurgeConfig config) {
        Configuration flink = FlinkSettings.of(config);
        flink.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, directory.toUri().toString());
        flink.set(WebOptions.CHECKPOINTS_HISTORY_SIZE, CHECKPOINTS_KEPT);
        return flink;
    }

    @Override
    public void close() throws IOException {
        FileUtils.deleteDirectory(directory.toFile());
    }
}
