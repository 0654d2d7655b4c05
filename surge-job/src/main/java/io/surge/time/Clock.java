package io.surge.time;

import java.io.Serializable;

/**
 * Processing time, the one way surge reads the wall clock. It travels inside Flink functions, so it is
 * serializable; tests pass a fixed clock to make `computed_at` and the future-skew check deterministic.
 */
@FunctionalInterface
public interface Clock extends Serializable {

    /** Milliseconds since the epoch, UTC. */
    long millis();

    static Clock system() {
        return SystemClock.INSTANCE;
    }

    /** An enum so that the system clock deserializes to the same singleton on every task. */
    enum SystemClock implements Clock {
        INSTANCE;

        @Override
        public long millis() {
            return System.currentTimeMillis();
        }
    }
}
