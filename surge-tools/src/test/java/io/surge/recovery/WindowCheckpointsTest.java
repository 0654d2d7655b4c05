package io.surge.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongPredicate;
import org.junit.jupiter.api.Test;

/** The pacer's schedule, on a clock of the test's own: polls every 20 ms, as the pacer polls the results. */
class WindowCheckpointsTest {

    private static final long SLIDE = 5_000;
    private static final long SPACING = (long) (SLIDE * WindowCheckpoints.SPACING);
    private static final long POLL = 20;

    @Test
    void everyWindowsFirstResultStartsACheckpointAtOnce() {
        // a window closes every slide from 1,240 ms on; its results are read over the 600 ms after
        long firstClose = 1_240;
        LongPredicate read = t -> t >= firstClose && (t - firstClose) % SLIDE <= 600;
        List<Long> firstResults = new ArrayList<>();
        for (long close = firstClose; close < 60_000; close += SLIDE) {
            firstResults.add(close);
        }

        assertThat(starts(read, 60_000))
                .as("one checkpoint per window, started when its first result is read")
                .isEqualTo(firstResults);
    }

    @Test
    void atLeastOnceCheckpointsStartHalfASlideAfterEachWindowCloses() {
        long firstClose = 1_240;
        LongPredicate read = t -> t >= firstClose && (t - firstClose) % SLIDE <= 600;
        List<Long> halfASlideLater = new ArrayList<>();
        for (long close = firstClose; close + SLIDE / 2 < 60_000; close += SLIDE) {
            halfASlideLater.add(close + SLIDE / 2);
        }

        assertThat(starts(new WindowCheckpoints.Schedule(SPACING, SLIDE / 2, 0), read, 60_000))
                .as("one checkpoint per window, half a slide after its first result is read")
                .isEqualTo(halfASlideLater);
    }

    @Test
    void aBacklogStartsOnePerSpacingAndOneAfterItsLastResult() {
        // windows closing faster than in real time: results read all along for 10 s
        List<Long> starts = starts(t -> t <= 10_000, 60_000);

        assertThat(starts).containsExactly(0L, SPACING, 2 * SPACING, 3 * SPACING);
    }

    @Test
    void resultsReadLateInTheSpacingOweTheNextCheckpoint() {
        List<Long> starts = starts(t -> t == 0 || t == SPACING / 2 + POLL, 60_000);

        assertThat(starts).containsExactly(0L, SPACING);
    }

    @Test
    void aCheckpointThatDidNotStartIsAskedForAgainAfterTheSpacing() {
        WindowCheckpoints.Schedule schedule = new WindowCheckpoints.Schedule(SPACING, 0, 0);
        assertThat(schedule.poll(0, true)).isTrue();
        schedule.notStarted();

        assertThat(schedule.poll(SPACING - POLL, false)).isFalse();
        assertThat(schedule.poll(SPACING, false)).isTrue();
        assertThat(schedule.poll(2 * SPACING, false)).isFalse();
    }

    @Test
    void withoutResultsThePacerStartsNone() {
        assertThat(starts(t -> false, 3_600_000)).isEmpty();
    }

    /** When an exactly-once schedule started checkpoints over {@code until} ms of polls. */
    private static List<Long> starts(LongPredicate read, long until) {
        return starts(new WindowCheckpoints.Schedule(SPACING, 0, 0), read, until);
    }

    /** When {@code schedule} started checkpoints over {@code until} ms of polls, given when a poll reads results. */
    private static List<Long> starts(WindowCheckpoints.Schedule schedule, LongPredicate read, long until) {
        List<Long> starts = new ArrayList<>();
        for (long t = 0; t <= until; t += POLL) {
            if (schedule.poll(t, read.test(t))) {
                starts.add(t);
            }
        }
        return starts;
    }
}
