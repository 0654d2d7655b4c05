package io.surge.recovery;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.state.OperatorStreamStateHandle;
import org.apache.flink.runtime.state.filesystem.FileStateHandle;

/** Checkpoint directories laid out as Flink writes them, with metadata written by Flink's own serializer. */
final class CheckpointFiles {

    private final Path location;

    CheckpointFiles(Path location) {
        this.location = location;
    }

    /** {@code <location>/<job>/chk-<id>/_metadata}, its one operator's state in {@code stateFile}. */
    Path complete(String job, long id, Path stateFile) throws IOException {
        Path directory = Files.createDirectories(location.resolve(job).resolve("chk-" + id));
        OperatorState operator = new OperatorState("windows", "surge-windows", new OperatorID(), 1, 128);
        operator.putState(
                0,
                OperatorSubtaskState.builder()
                        .setManagedOperatorState(new OperatorStreamStateHandle(
                                Map.of(),
                                new FileStateHandle(
                                        org.apache.flink.core.fs.Path.fromLocalFile(stateFile.toFile()), 1)))
                        .build());
        try (OutputStream out = Files.newOutputStream(directory.resolve("_metadata"))) {
            Checkpoints.storeCheckpointMetadata(
                    new CheckpointMetadata(id, List.of(operator), List.of()), new DataOutputStream(out));
        }
        return directory;
    }

    /** A complete checkpoint whose state file exists. */
    Path complete(String job, long id) throws IOException {
        Path state =
                Files.createDirectories(location.resolve(job).resolve("shared")).resolve("state-" + id);
        Files.write(state, new byte[] {1});
        return complete(job, id, state);
    }

    /** A checkpoint directory without metadata, as a crash in the middle of a checkpoint leaves it. */
    Path inProgress(String job, long id) throws IOException {
        return Files.createDirectories(location.resolve(job).resolve("chk-" + id));
    }

    /** Cuts a checkpoint's metadata to half its length, as a disk that filled up might. */
    static void truncate(Path checkpoint) throws IOException {
        Path metadata = checkpoint.resolve("_metadata");
        byte[] bytes = Files.readAllBytes(metadata);
        Files.write(metadata, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    }
}
