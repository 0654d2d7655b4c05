package io.surge.recovery;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import org.apache.flink.util.FileUtils;

/**
 * A local directory held by one process at a time, such as one job's {@code <state.dir>/<job.name>} held by one
 * {@code surge run}: an operating-system lock on its {@code lock} file, which the kernel releases when the process
 * ends, however it ends. So a process that holds it knows that the one before it is gone.
 */
public final class StateDirectory implements AutoCloseable {

    private static final String LOCK = "lock";
    private static final String INSTANCE = "instance";
    private static final String SCRATCH = "tmp";

    private final Path directory;
    private final FileChannel channel;
    private final FileLock lock;

    private StateDirectory(Path directory, FileChannel channel, FileLock lock) {
        this.directory = directory;
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the job's directory, creating it; refuses when another process on this machine holds it. */
    public static StateDirectory lock(Path stateDir, String jobName) {
        return lock(
                stateDir.resolve(jobName),
                "job '" + jobName + "'",
                "the state directory",
                "give this one another job.name",
                "set state.dir to another directory");
    }

    /**
     * Takes {@code directory}, creating it; refuses when another process on this machine holds it.
     *
     * @param owner what holds it, for messages, e.g. "surge infra"
     * @param kind what the directory is, for messages, e.g. "the data directory"
     * @param sharing how the user runs a second owner beside the first, e.g. "give this one another --data-dir"
     * @param unusable what the user does when the directory cannot be written
     */
    public static StateDirectory lock(Path directory, String owner, String kind, String sharing, String unusable) {
        Path absolute = directory.toAbsolutePath();
        FileChannel channel = null;
        try {
            Files.createDirectories(absolute);
            channel = FileChannel.open(
                    absolute.resolve(LOCK),
                    StandardOpenOption.CREATE,
                    StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock = tryLock(channel);
            if (lock == null) {
                String holder = Files.readString(absolute.resolve(LOCK)).strip();
                channel.close();
                throw new RecoveryException(owner + " is already running on this machine: "
                        + (holder.isEmpty() ? "another process" : "process " + holder) + " holds " + kind + " "
                        + absolute + "; stop that one first, or " + sharing);
            }
            channel.truncate(0);
            channel.write(
                    StandardCharsets.UTF_8.encode(
                            String.valueOf(ProcessHandle.current().pid())),
                    0);
            channel.force(true);
            return new StateDirectory(absolute, channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new RecoveryException(kind + " " + absolute + " cannot be used (" + e
                    + "); check that this user may create and write it, or " + unusable);
        }
    }

    public Path directory() {
        return directory;
    }

    /**
     * Empties {@code tmp} in the directory of what an earlier holder left, for files of this process alone: holding the
     * lock, this process knows that none uses them any more. Called once, as the process starts.
     */
    public Path clearScratch() throws IOException {
        Path scratch = directory.resolve(SCRATCH);
        FileUtils.deleteDirectory(scratch.toFile());
        return Files.createDirectories(scratch);
    }

    /** What the previous process of this job called itself to Kafka ({@link JobPresence}), if any ran here. */
    Optional<String> previousInstance() throws IOException {
        try {
            return Optional.of(Files.readString(directory.resolve(INSTANCE)).strip())
                    .filter(id -> !id.isEmpty());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    void recordInstance(String instance) throws IOException {
        Path written = Files.writeString(directory.resolve(INSTANCE + ".new"), instance);
        Files.move(
                written,
                directory.resolve(INSTANCE),
                StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public void close() throws IOException {
        lock.release();
        channel.close();
    }

    /** Null when another process holds it, or this one already does (a lock is per process, not per channel). */
    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null;
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // the lock goes with the channel anyway
            }
        }
    }
}
