package io.surge.config;

/** When a job that surge runs in its own process starts its checkpoints. */
public enum CheckpointPacing {
    /**
     * Once the windows' results of a slide are written, and at least every {@code checkpoint.interval}: exactly-once
     * results commit about one checkpoint's duration after their windows close. With at-least-once outputs, half a
     * slide after the windows close, so that no checkpoint holds back the results of a window.
     */
    WINDOWS,
    /**
     * On Flink's own clock, every {@code checkpoint.interval} from a phase of its own: a result waits from nothing to
     * one interval for its commit, depending on where its window closes between two checkpoints.
     */
    INTERVAL
}
