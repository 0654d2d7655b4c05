package io.surge.recovery;

import io.surge.config.FlinkSettings;
import io.surge.config.SurgeConfig;
import io.surge.io.kafka.TopicSetup;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code surge run} does around the job so that a process killed and started again with the same command
 * resumes exactly: it takes the job's {@link StateDirectory}, makes sure no other job of that name runs
 * ({@link JobPresence}), keeps checkpoints where the next start finds them, and picks the {@link StartPoint}.
 *
 * <p>A job's checkpoints live in {@code <state.dir>/<job.name>/checkpoints}, or {@code <checkpoint.dir>/<job.name>}
 * when {@code checkpoint.dir} is set, together with the id of the Kafka cluster whose offsets they hold.
 */
public final class LocalRun implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalRun.class);
    /** The exit code of a process that ended because it lost its claim on the job. */
    private static final int EXIT_CLAIM_LOST = 3;

    private static final Duration CHECKPOINT_POLL = Duration.ofSeconds(1);
    private static final String STATE_RESTORE =
            "org.apache.flink.streaming.api.operators.StreamTaskStateInitializerImpl";

    private final StateDirectory state;
    private final JobPresence presence;
    private final RetainedCheckpoints checkpoints;
    private final StartPoint start;
    /** Whether the job starts from a checkpoint it retained, which it may mark, rather than a user's savepoint. */
    private final boolean fromRetained;
    /** Whether the outputs are transactional, so that other processes' open transactions matter. */
    private final boolean exactlyOnce;

    private LocalRun(
            StateDirectory state,
            JobPresence presence,
            RetainedCheckpoints checkpoints,
            StartPoint start,
            boolean fromRetained,
            boolean exactlyOnce) {
        this.state = state;
        this.presence = presence;
        this.checkpoints = checkpoints;
        this.start = start;
        this.fromRetained = fromRetained;
        this.exactlyOnce = exactlyOnce;
    }

    /**
     * @param fresh start with empty state whatever is retained (which is moved aside, not deleted)
     * @param savepoint a savepoint directory to resume from instead of the retained checkpoints, or null
     */
    public static LocalRun prepare(SurgeConfig config, boolean fresh, String savepoint, Instant now)
            throws IOException, InterruptedException {
        StateDirectory state = StateDirectory.lock(config.checkpointing().stateDir(), config.jobName());
        JobPresence presence = null;
        try {
            KafkaCluster kafka = KafkaCluster.inspect(config.kafkaJob());
            kafka.checkTransactionTimeout(config.kafkaJob());
            TopicSetup.ensureTopics(config.kafkaJob());
            // before anything is decided or moved: the retained state may be another live job's
            presence = JobPresence.claim(config, state, why -> endAfterLosingClaim(config, why));
            RetainedCheckpoints checkpoints = checkpoints(config, state);
            StartPoint start = startPoint(config, checkpoints, kafka, fresh, savepoint, now);
            LOG.info("{}", start.description());
            warnWhenDownTooLong(config, start, savepoint == null, now);
            return new LocalRun(
                    state,
                    presence,
                    checkpoints,
                    start,
                    savepoint == null && start.from() != null,
                    config.output().exactlyOnce());
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (presence != null) {
                presence.close();
            }
            state.close();
            throw e;
        }
    }

    /**
     * This process may no longer hold the job (see {@link JobPresence}): another {@code surge run} may have taken it
     * over from its checkpoints. Going on would duplicate that one's results: a checkpoint completed here commits
     * results the other commits too. So it ends at once, without shutdown hooks, which would run the job on while they
     * close it; the other aborts the transactions this one leaves open.
     */
    private static void endAfterLosingClaim(SurgeConfig config, String why) {
        LOG.error(
                "surge run lost its claim on job '{}': {}. Another surge run may have taken the job over, so this"
                        + " one ends now, with exit code {}, and writes nothing more. Started again, it resumes from the"
                        + " newest checkpoint, or is refused while another surge run holds the job",
                config.jobName(),
                why,
                EXIT_CLAIM_LOST);
        Runtime.getRuntime().halt(EXIT_CLAIM_LOST);
    }

    private static StartPoint startPoint(
            SurgeConfig config,
            RetainedCheckpoints checkpoints,
            KafkaCluster kafka,
            boolean fresh,
            String savepoint,
            Instant now)
            throws IOException {
        if (fresh) {
            Path aside = checkpoints.setAside(now);
            checkpoints.recordKafkaCluster(kafka.id());
            return StartPoint.fresh("starting with empty state, as asked (--fresh), from the committed offsets of"
                    + " consumer group " + config.jobName()
                    + (aside == null
                            ? ""
                            : "; the checkpoints that were in " + checkpoints.location() + " are kept in " + aside
                                    + " (delete it when no longer needed)"));
        }
        if (savepoint != null) {
            return StartPoint.savepoint(RetainedCheckpoints.inspect(new Path(savepoint)));
        }
        var retained = checkpoints.list();
        var recorded = checkpoints.kafkaCluster();
        if (recorded.isPresent()
                && !recorded.get().equals(kafka.id())
                && retained.stream().anyMatch(RetainedCheckpoint::completed)) {
            throw new RecoveryException("the checkpoints in " + checkpoints.location() + " hold offsets of Kafka"
                    + " cluster " + recorded.get() + ", but kafka.bootstrap (" + config.bootstrapServers()
                    + ") reaches cluster " + kafka.id() + "; point kafka.bootstrap at the cluster the job ran on, or"
                    + " start over on this one with --fresh");
        }
        StartPoint start = StartPoint.choose(
                retained, checkpoints.location().toString(), config.jobName(), kafka.groupHasOffsets(), now);
        checkpoints.prune(retained);
        checkpoints.recordKafkaCluster(kafka.id());
        return start;
    }

    /**
     * A checkpoint's results commit once it completes, or, after a crash, when the restored job commits them; the
     * broker aborts their transaction once it has been open longer than the transaction timeout. It opened about a
     * checkpoint interval before the checkpoint completed.
     */
    private static void warnWhenDownTooLong(SurgeConfig config, StartPoint start, boolean checkpoint, Instant now) {
        var checkpointing = config.checkpointing();
        if (checkpoint
                && start.from() != null
                && start.from().age(now).plus(checkpointing.interval()).compareTo(checkpointing.transactionTimeout())
                        > 0) {
            LOG.warn(
                    "checkpoint {} completed {} ago, longer than kafka.transaction-timeout ({}) allows: Kafka has"
                            + " likely aborted the results it was committing, and the windows emitted in its last interval"
                            + " are missing from the outputs; recovery.max-downtime says how long an outage the settings"
                            + " ride out",
                    start.from().id(),
                    start.from().age(now),
                    checkpointing.transactionTimeout());
        }
    }

    private static RetainedCheckpoints checkpoints(SurgeConfig config, StateDirectory state) {
        String dir = config.checkpointing().dir();
        return dir != null
                ? new RetainedCheckpoints(new Path(new Path(dir), config.jobName()))
                : RetainedCheckpoints.local(state.directory().resolve("checkpoints"));
    }

    public StartPoint start() {
        return start;
    }

    /**
     * Waits for the job to end, telling {@link JobPresence} of its first completed checkpoint; when it failed, marks
     * the checkpoint it could not restore, if that is why ({@link #failed}).
     */
    public void await(JobClient job) throws Exception {
        CompletableFuture<JobExecutionResult> result = job.getJobExecutionResult();
        try {
            if (exactlyOnce) {
                awaitFirstCheckpoint(job.getJobID(), result);
            }
            result.get();
        } catch (ExecutionException e) {
            throw failed(e.getCause() instanceof Exception cause ? cause : e);
        }
    }

    /** Tells {@link JobPresence} of the job's first completed checkpoint, or returns when the job ends before it. */
    private void awaitFirstCheckpoint(JobID job, CompletableFuture<JobExecutionResult> result)
            throws InterruptedException, ExecutionException {
        boolean unreadable = false;
        while (!result.isDone()) {
            try {
                if (checkpoints.anyCompletedBy(job)) {
                    presence.jobCheckpointed();
                    return;
                }
                unreadable = false;
            } catch (IOException e) {
                if (!unreadable) {
                    LOG.warn(
                            "cannot look for the job's first checkpoint in {}; trying again every {} s",
                            checkpoints.location(),
                            CHECKPOINT_POLL.toSeconds(),
                            e);
                }
                unreadable = true;
            }
            try {
                result.get(CHECKPOINT_POLL.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // still running
            }
        }
    }

    /**
     * What the job's end by {@code failure} leaves for the next start. A job that could not restore the checkpoint it
     * started from (a corrupt state file, say) fails once its restarts are spent; that checkpoint is then marked, so
     * that the next start resumes from the one before it and says so. Returns the failure to report.
     */
    private Exception failed(Exception failure) throws IOException {
        if (!fromRetained || causes(failure).noneMatch(LocalRun::thrownRestoringState)) {
            return failure;
        }
        Throwable root = causes(failure).reduce((cause, deeper) -> deeper).orElseThrow();
        String reason = root.getClass().getSimpleName() + ": " + root.getMessage();
        RetainedCheckpoints.markRestoreFailed(start.from().directory(), reason);
        return new RecoveryException(
                "the job could not restore checkpoint id=" + start.from().id() + " ("
                        + start.from().directory() + "): " + reason + ". It is marked damaged; started again, surge run"
                        + " resumes from the checkpoint before it",
                failure);
    }

    private static Stream<Throwable> causes(Throwable failure) {
        return Stream.iterate(failure, Objects::nonNull, Throwable::getCause);
    }

    /** Thrown while Flink built an operator's state backends from the checkpoint, not by the job's own code. */
    private static boolean thrownRestoringState(Throwable failure) {
        return Arrays.stream(failure.getStackTrace())
                .anyMatch(frame -> frame.getClassName().equals(STATE_RESTORE));
    }

    /**
     * Retains the job's checkpoints where the next start looks, restores from the start point, and keeps Flink's
     * working files (the local cluster's directory and RPC jar, RocksDB's working copy of the state) in the state
     * directory's scratch space: a process killed leaves them there for the next start to clear, where in
     * java.io.tmpdir every stop of {@code surge run} left 21 MB and more for good.
     */
    public void configure(Configuration flink) throws IOException {
        FlinkSettings.retainCheckpointsIn(flink, checkpoints.location().toString());
        start.applyTo(flink);
        flink.set(CoreOptions.TMP_DIRS, state.clearScratch().toString());
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            presence.close();
        } finally {
            state.close();
        }
    }
}
