package io.surge.time;

import java.time.Duration;
import org.apache.flink.util.clock.RelativeClock;

/**
 * The time a source partition's silence is measured in: the source's input activity clock, which Flink stops while
 * the source is backpressured, without the stretches in which the source task was held up altogether.
 *
 * <p>Flink reads it at every periodic watermark emit, one {@code watermark.interval} apart while the source task runs.
 * A much longer gap between two reads means the task could not read at all: it waited for the registry to answer for
 * a schema id it had not seen yet (every id, after a restart), it was paused for garbage collection or starved of
 * CPU. Counted as silence, such a gap declares every partition idle at once, and the first partition read afterwards
 * alone moves the watermark, past records the others still hold. A gap longer than {@code heldUpAfter} counts as one
 * interval.
 */
final class ReadingTime implements RelativeClock {

    private final RelativeClock activity;
    private final long stepNanos;
    private final long heldUpAfterNanos;
    private long lastRead = Long.MIN_VALUE;
    private long heldUpNanos;

    ReadingTime(RelativeClock activity, Duration interval) {
        this.activity = activity;
        this.stepNanos = interval.toNanos();
        this.heldUpAfterNanos = Math.max(Duration.ofMillis(200).toNanos(), 10 * stepNanos);
    }

    @Override
    public long relativeTimeNanos() {
        long now = activity.relativeTimeNanos();
        if (lastRead != Long.MIN_VALUE && now - lastRead > heldUpAfterNanos) {
            heldUpNanos += now - lastRead - stepNanos;
        }
        lastRead = now;
        return now - heldUpNanos;
    }

    @Override
    public long relativeTimeMillis() {
        return relativeTimeNanos() / 1_000_000;
    }
}
