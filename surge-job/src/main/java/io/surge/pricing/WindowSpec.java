package io.surge.pricing;

import java.io.Serializable;

/**
 * Epoch-aligned sliding windows [k*slide, k*slide + size), cut into slide-long slices: slice {@code i} covers
 * [i*slide, (i+1)*slide), and the window ending at slice boundary {@code m} is the union of slices m-n .. m-1, where n =
 * size / slide. All times are epoch milliseconds.
 *
 * <p>A window is emitted once the watermark reaches its last millisecond plus the allowed lateness; Flink fires
 * event-time timers at {@code timestamp <= watermark}, hence the {@code - 1}.
 */
public record WindowSpec(long sizeMillis, long slideMillis, long allowedLatenessMillis) implements Serializable {

    public WindowSpec {
        if (slideMillis <= 0 || sizeMillis <= 0 || sizeMillis % slideMillis != 0) {
            throw new IllegalArgumentException("window size " + sizeMillis
                    + " ms must be a positive whole multiple of slide " + slideMillis + " ms");
        }
        if (allowedLatenessMillis < 0) {
            throw new IllegalArgumentException("allowed lateness must not be negative, was " + allowedLatenessMillis);
        }
    }

    public int slicesPerWindow() {
        return (int) (sizeMillis / slideMillis);
    }

    public long sliceOf(long eventTime) {
        return Math.floorDiv(eventTime, slideMillis);
    }

    /** The event time at which the window ending at slice boundary {@code endSlice} is emitted. */
    public long emitTime(long endSlice) {
        return endSlice * slideMillis - 1 + allowedLatenessMillis;
    }

    /** The inverse of {@link #emitTime}: which window a timer at {@code timestamp} emits. */
    public long endSliceEmittedAt(long timestamp) {
        return Math.floorDiv(timestamp + 1 - allowedLatenessMillis, slideMillis);
    }

    /** True when every window containing {@code slice} has been emitted by a watermark at {@code watermark}. */
    public boolean isLate(long slice, long watermark) {
        return emitTime(slice + slicesPerWindow()) <= watermark;
    }

    /** The earliest window containing {@code slice} that a watermark at {@code watermark} has not emitted yet. */
    public long firstPendingEndSlice(long slice, long watermark) {
        long firstEnd = slice + 1;
        if (watermark == Long.MIN_VALUE) {
            return firstEnd;
        }
        return Math.max(firstEnd, endSliceEmittedAt(watermark) + 1);
    }

    /**
     * One long for a slice and the first of its windows a record counts in, the one ending at {@code firstEndSlice}: a
     * record that met a watermark past some of its slice's windows counts only in the others. Buckets order as their
     * slices do.
     */
    public long bucket(long slice, long firstEndSlice) {
        return slice * slicesPerWindow() + (firstEndSlice - slice - 1);
    }

    public long sliceOfBucket(long bucket) {
        return Math.floorDiv(bucket, slicesPerWindow());
    }

    public long firstEndSliceOfBucket(long bucket) {
        return sliceOfBucket(bucket) + 1 + Math.floorMod(bucket, slicesPerWindow());
    }

    /** True when the records of {@code bucket} count in the window ending at {@code endSlice}. */
    public boolean countsIn(long endSlice, long bucket) {
        return covers(endSlice, sliceOfBucket(bucket)) && endSlice >= firstEndSliceOfBucket(bucket);
    }

    public long windowStart(long endSlice) {
        return (endSlice - slicesPerWindow()) * slideMillis;
    }

    public long windowEnd(long endSlice) {
        return endSlice * slideMillis;
    }

    /** True when {@code slice} is part of the window ending at {@code endSlice}. */
    public boolean covers(long endSlice, long slice) {
        return slice < endSlice && slice >= endSlice - slicesPerWindow();
    }
}
