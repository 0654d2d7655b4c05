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

/**
 * One job's local directory, {@code <state.dir>/<job.name>}, held by one {@code surge run} process at a time: an
 * operating-system lock on its {@code lock} file, which the kernel releases when the process ends, however it ends.
 * So a process that holds it knows that the one before it is gone.
 */
public final class StateDirectory implements AutoCloseable {

    private static final String LOCK = "lock";
    private static final String INSTANCE = "instance";

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
        Path directory = stateDir.resolve(jobName).toAbsolutePath();
        FileChannel channel = null;
        try {
            Files.createDirectories(directory);
            channel = FileChannel.open(directory.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock = tryLock(channel);
            if (lock == null) {
                String holder = Files.readString(directory.resolve(LOCK)).strip();
                channel.close();
                throw new RecoveryException("job '" + jobName + "' is already running on this machine: "
                        + (holder.isEmpty() ? "another process" : "process " + holder) + " holds its state directory "
                        + directory + "; stop that one first, or give this one another job.name");
            }
            channel.truncate(0);
            channel.write(StandardCharsets.UTF_8.encode(String.valueOf(ProcessHandle.current().pid())), 0);
            channel.force(true);
            return new StateDirectory(directory, channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new RecoveryException("the state directory " + directory + " cannot be used (" + e
                    + "); check that this user may create and write it, or set state.dir to another directory");
        }
    }

    public Path directory() {
        return directory;
    }

    /** What the previous process of this job called itself to Kafka ({@link JobPresence}), if any ran here. */
    Optional<String> previousInstance() throws IOException {
        try {
            return Optional.of(Files.readString(directory.resolve(INSTANCE)).strip()).filter(id -> !id.isEmpty());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    void recordInstance(String instance) throws IOException {
        Path written = Files.writeString(directory.resolve(INSTANCE + ".new"), instance);
        Files.move(written, directory.resolve(INSTANCE), StandardCopyOption.ATOMIC_MOVE,
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
