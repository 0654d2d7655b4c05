package io.surge.config;

import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How the job checkpoints, where it keeps what it needs to resume, and how long its Kafka transactions may stay open.
 *
 * <p>An exactly-once output's transaction opens after one checkpoint and commits once the next has completed, or, if
 * the job crashes in between, once the restarted job has restored that checkpoint. The broker aborts a transaction
 * open longer than {@code transactionTimeout}, and with it results the checkpoint counts as delivered. So the timeout
 * must cover a checkpoint interval, a checkpoint's longest duration and the longest downtime to ride out.
 *
 * @param interval checkpoint period
 * @param pacing when a job surge runs in its own process starts its checkpoints
 * @param timeout a checkpoint not complete after this long is abandoned
 * @param dir where checkpoints go (a Flink file system URI), or null for the default of the way the job runs
 * @param stateDir where {@code surge run} keeps each job's local state, one directory per job name
 * @param transactionTimeout {@code transaction.timeout.ms} of the exactly-once sinks
 * @param maxDowntime the longest crash-to-restore downtime after which the last checkpoint's results still commit
 * @param backend where the job's state lives between checkpoints
 */
public record Checkpointing(
        Duration interval,
        CheckpointPacing pacing,
        Duration timeout,
        String dir,
        Path stateDir,
        Duration transactionTimeout,
        Duration maxDowntime,
        StateBackendKind backend)
        implements Serializable {

    /** The longest a transaction can have to stay open for its results to be committed. */
    public Duration longestTransaction() {
        return interval.plus(timeout).plus(maxDowntime);
    }
}
