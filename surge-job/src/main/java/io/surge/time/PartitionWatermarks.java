package io.surge.time;

import io.surge.event.Ingested;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.BoundedOutOfOrdernessWatermarks;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.util.clock.RelativeClock;

/**
 * One source partition's watermark: the largest valid event time it delivered, or the processing clock when that is
 * earlier, minus the out-of-orderness bound; idle once it has been silent (no valid record) for the idleness timeout
 * of {@link ReadingTime}.
 *
 * <p>A partition that has delivered nothing at all since the source started is waited for longer, {@link
 * #FIRST_RECORD_WAIT} at least: after a restart the source has to connect, fetch and work through its other partitions'
 * backlog before it reaches this one, and a partition taken for idle before its first record lets the watermark pass
 * records it still holds. Rejected records prove the source reads the partition, so they end that wait, but as they
 * carry no trustworthy event time they neither move the watermark nor break a silence.
 */
final class PartitionWatermarks implements WatermarkGenerator<Ingested> {

    static final Duration FIRST_RECORD_WAIT = Duration.ofSeconds(30);
    private static final long SILENCE_NOT_STARTED = Long.MIN_VALUE;

    private final WatermarkGenerator<Ingested> bounded;
    private final RelativeClock readingTime;
    private final long idleAfterNanos;
    private final long firstRecordWaitNanos;
    private final Clock clock;
    private boolean delivered;
    private boolean validSinceLastEmit;
    private long silentSince = SILENCE_NOT_STARTED;
    private boolean idle;

    PartitionWatermarks(Duration outOfOrderness, Duration idleness, RelativeClock readingTime, Clock clock) {
        this.bounded = new BoundedOutOfOrdernessWatermarks<>(outOfOrderness);
        this.readingTime = readingTime;
        this.idleAfterNanos = idleness.toNanos();
        this.firstRecordWaitNanos = Math.max(idleAfterNanos, FIRST_RECORD_WAIT.toNanos());
        this.clock = clock;
    }

    @Override
    public void onEvent(Ingested ingested, long eventTimestamp, WatermarkOutput output) {
        delivered = true;
        if (ingested.isAccepted()) {
            bounded.onEvent(ingested, Math.min(eventTimestamp, clock.millis()), output);
            validSinceLastEmit = true;
            idle = false;
        }
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        long now = readingTime.relativeTimeNanos();
        if (validSinceLastEmit || silentSince == SILENCE_NOT_STARTED) {
            validSinceLastEmit = false;
            silentSince = now;
        } else if (!idle && now - silentSince > (delivered ? idleAfterNanos : firstRecordWaitNanos)) {
            idle = true;
            output.markIdle();
        }
        if (!idle) {
            bounded.onPeriodicEmit(output);
        }
    }
}
