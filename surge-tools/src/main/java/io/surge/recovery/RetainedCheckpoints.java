package io.surge.recovery;

import java.io.DataInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.FileSystem.WriteMode;
import org.apache.flink.core.fs.Path;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.state.IncrementalRemoteKeyedStateHandle;
import org.apache.flink.runtime.state.KeyGroupsStateHandle;
import org.apache.flink.runtime.state.OperatorStreamStateHandle;
import org.apache.flink.runtime.state.StateObject;
import org.apache.flink.runtime.state.StreamStateHandle;
import org.apache.flink.runtime.state.filesystem.FileStateHandle;

/**
 * The checkpoints retained under one job's checkpoint location, across the Flink jobs that ran there: Flink writes
 * {@code <location>/<flink job id>/chk-<n>/_metadata}, the metadata last, and every start of {@code surge run} is a new
 * Flink job id. Read through Flink's file systems, so the location may be any URI Flink can read.
 */
public final class RetainedCheckpoints {

    static final String METADATA = "_metadata";
    /** Beside a checkpoint's metadata when a job could not restore it: what went wrong. */
    private static final String RESTORE_FAILED = "_restore-failed";

    private static final String KAFKA_CLUSTER = "kafka-cluster-id";
    private static final Pattern CHECKPOINT_DIRECTORY = Pattern.compile("chk-(\\d+)");

    private final Path location;

    public RetainedCheckpoints(Path location) {
        this.location = location;
    }

    /** A location on this machine's file system. */
    public static RetainedCheckpoints local(java.nio.file.Path directory) {
        return new RetainedCheckpoints(
                new Path("file", null, directory.toAbsolutePath().toString()));
    }

    public Path location() {
        return location;
    }

    /** The Kafka cluster whose offsets these checkpoints hold, as recorded by {@link #recordKafkaCluster}. */
    public Optional<String> kafkaCluster() throws IOException {
        Path marker = new Path(location, KAFKA_CLUSTER);
        FileSystem fs = location.getFileSystem();
        if (!fs.exists(marker)) {
            return Optional.empty();
        }
        try (FSDataInputStream in = fs.open(marker)) {
            return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).strip());
        }
    }

    public void recordKafkaCluster(String clusterId) throws IOException {
        FileSystem fs = location.getFileSystem();
        fs.mkdirs(location);
        try (FSDataOutputStream out = fs.create(new Path(location, KAFKA_CLUSTER), WriteMode.OVERWRITE)) {
            out.write(clusterId.getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * Moves the whole location aside, to a sibling named after {@code now}, for a fresh start that keeps what was
     * there; returns where it went, or null when there was nothing.
     */
    public Path setAside(Instant now) throws IOException {
        FileSystem fs = location.getFileSystem();
        if (!fs.exists(location)) {
            return null;
        }
        Path aside = new Path(
                location.getParent(),
                location.getName() + ".replaced-" + now.toString().replace(':', '-'));
        if (!fs.rename(location, aside)) {
            throw new IOException("cannot move " + location + " to " + aside);
        }
        return aside;
    }

    /** Whether the Flink job {@code job} has completed a checkpoint here. */
    public boolean anyCompletedBy(JobID job) throws IOException {
        for (FileStatus checkpoint : children(new Path(location, job.toHexString()))) {
            if (CHECKPOINT_DIRECTORY.matcher(checkpoint.getPath().getName()).matches()
                    && location.getFileSystem().exists(new Path(checkpoint.getPath(), METADATA))) {
                return true;
            }
        }
        return false;
    }

    /** Every checkpoint directory under the location, newest first, each checked for whether it can be restored. */
    public List<RetainedCheckpoint> list() throws IOException {
        List<RetainedCheckpoint> found = new ArrayList<>();
        for (FileStatus job : children(location)) {
            if (!job.isDir()) {
                continue;
            }
            for (FileStatus checkpoint : children(job.getPath())) {
                Matcher name = CHECKPOINT_DIRECTORY.matcher(checkpoint.getPath().getName());
                if (checkpoint.isDir() && name.matches()) {
                    found.add(inspect(Long.parseLong(name.group(1)), checkpoint.getPath()));
                }
            }
        }
        // ids go on from the restored checkpoint's, so they order checkpoints across jobs; time breaks a tie
        found.sort(Comparator.comparingLong(RetainedCheckpoint::id)
                .thenComparing(c -> c.completedAt() == null ? Instant.MIN : c.completedAt())
                .reversed());
        return found;
    }

    /**
     * Deletes what earlier Flink jobs left that no restart can need: job directories holding neither of the two newest
     * restorable checkpoints nor anything newer (a damaged newest checkpoint stays for a look). A job restored from a
     * checkpoint makes its first checkpoint a full one (Flink's NO_CLAIM mode), so no job's checkpoints need another
     * job's files.
     *
     * @param newestFirst what {@link #list()} returned
     */
    public void prune(List<RetainedCheckpoint> newestFirst) throws IOException {
        List<RetainedCheckpoint> kept = newestFirst.stream()
                .filter(RetainedCheckpoint::restorable)
                .limit(2)
                .toList();
        if (kept.isEmpty()) {
            return;
        }
        long oldestKept = kept.get(kept.size() - 1).id();
        List<Path> needed = newestFirst.stream()
                .filter(checkpoint -> kept.contains(checkpoint) || checkpoint.id() > oldestKept)
                .map(checkpoint -> checkpoint.directory().getParent())
                .toList();
        for (FileStatus job : children(location)) {
            if (job.isDir() && !needed.contains(job.getPath())) {
                location.getFileSystem().delete(job.getPath(), true);
            }
        }
    }

    /** A savepoint, or any one checkpoint, checked as {@link #list()} checks those it finds. */
    public static RetainedCheckpoint inspect(Path directory) throws IOException {
        Matcher name = CHECKPOINT_DIRECTORY.matcher(directory.getName());
        return inspect(name.matches() ? Long.parseLong(name.group(1)) : -1, directory);
    }

    private static RetainedCheckpoint inspect(long id, Path directory) throws IOException {
        FileSystem fs = directory.getFileSystem();
        Path metadata = new Path(directory, METADATA);
        if (!fs.exists(metadata)) {
            return new RetainedCheckpoint(id, directory, null, "no " + METADATA + ": it never completed");
        }
        Instant completedAt = Instant.ofEpochMilli(fs.getFileStatus(metadata).getModificationTime());
        CheckpointMetadata loaded;
        try (FSDataInputStream in = fs.open(metadata)) {
            loaded = Checkpoints.loadCheckpointMetadata(
                    new DataInputStream(in), RetainedCheckpoints.class.getClassLoader(), directory.toString());
        } catch (IOException | RuntimeException e) {
            return new RetainedCheckpoint(id, directory, completedAt, METADATA + " cannot be read (" + e + ")");
        }
        Optional<String> damaged = stateFiles(loaded)
                .map(RetainedCheckpoints::damage)
                .flatMap(Optional::stream)
                .findFirst();
        if (damaged.isPresent()) {
            return new RetainedCheckpoint(id, directory, completedAt, damaged.get());
        }
        Path failed = new Path(directory, RESTORE_FAILED);
        if (fs.exists(failed)) {
            try (FSDataInputStream in = fs.open(failed)) {
                return new RetainedCheckpoint(
                        id,
                        directory,
                        completedAt,
                        "a job could not restore it (" + new String(in.readAllBytes(), StandardCharsets.UTF_8).strip()
                                + ")");
            }
        }
        return new RetainedCheckpoint(loaded.getCheckpointId(), directory, completedAt, null);
    }

    /**
     * Marks a checkpoint that a job failed to restore, so that the next start passes it over and says why; its files
     * stay for a look.
     */
    public static void markRestoreFailed(Path checkpoint, String reason) throws IOException {
        try (FSDataOutputStream out =
                checkpoint.getFileSystem().create(new Path(checkpoint, RESTORE_FAILED), WriteMode.OVERWRITE)) {
            out.write(reason.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The files a checkpoint's state lives in; small state is inline in the metadata and has none. */
    private static Stream<StreamStateHandle> stateFiles(CheckpointMetadata metadata) {
        return metadata.getOperatorStates().stream()
                .map(OperatorState::getStates)
                .flatMap(subtasks -> subtasks.stream().flatMap(RetainedCheckpoints::handles))
                .filter(handle -> handle.maybeGetPath().isPresent());
    }

    /** What is wrong with a state file: missing, or not the size it was written with; empty when nothing is. */
    private static Optional<String> damage(StreamStateHandle file) {
        Path path = file.maybeGetPath().orElseThrow();
        try {
            FileSystem fs = path.getFileSystem();
            if (!fs.exists(path)) {
                return Optional.of("its state file " + path + " is missing");
            }
            long length = fs.getFileStatus(path).getLen();
            return !isWholeFile(file) || length == file.getStateSize()
                    ? Optional.empty()
                    : Optional.of("its state file " + path + " holds " + length + " bytes, not the "
                            + file.getStateSize() + " it was written with");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether the handle's state is all of its file, rather than a part of one (file merging's segments). */
    private static boolean isWholeFile(StreamStateHandle handle) {
        StreamStateHandle file = handle instanceof OperatorStreamStateHandle operator
                ? operator.getDelegateStateHandle()
                : handle instanceof KeyGroupsStateHandle keyGroups ? keyGroups.getDelegateStateHandle() : handle;
        return file instanceof FileStateHandle;
    }

    private static Stream<StreamStateHandle> handles(OperatorSubtaskState subtask) {
        return Stream.of(
                        subtask.getManagedOperatorState(),
                        subtask.getRawOperatorState(),
                        subtask.getManagedKeyedState(),
                        subtask.getRawKeyedState())
                .flatMap(collection -> collection.stream().map(StateObject.class::cast))
                .flatMap(handle -> handle instanceof IncrementalRemoteKeyedStateHandle incremental
                        ? incremental.streamSubHandles()
                        : handle instanceof StreamStateHandle stream ? Stream.of(stream) : Stream.empty());
    }

    private static List<FileStatus> children(Path directory) throws IOException {
        try {
            FileStatus[] listed = directory.getFileSystem().listStatus(directory);
            return listed == null ? List.of() : List.of(listed);
        } catch (FileNotFoundException e) {
            return List.of();
        }
    }
}
