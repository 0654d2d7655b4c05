package io.surge.pricing;

import java.util.Arrays;
import java.util.function.LongPredicate;

/**
 * One driver's latest status in each live slice of a zone, as one array of (bucket, status) pairs: what a window
 * firing reads once per driver, where an entry per slice and driver was read once per slice. A
 * {@link WindowSpec#bucket bucket} is a slice and the first of its windows a record counts in. Statuses are
 * {@link SlicedSurgeWindows#status packed}: a greater one is later. Arrays are never changed in place.
 */
final class SliceStatuses {

    /** No status: what {@link #latest} gives for a driver with none in the window. */
    static final long NONE = Long.MIN_VALUE;

    private static final long[] EMPTY = {};

    private SliceStatuses() {}

    /** The statuses with {@code status} in {@code bucket} where it is later than the one there; the same array if not. */
    static long[] with(long[] pairs, long bucket, long status) {
        if (pairs == null) {
            return new long[] {bucket, status};
        }
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i] == bucket) {
                if (status <= pairs[i + 1]) {
                    return pairs;
                }
                long[] later = pairs.clone();
                later[i + 1] = status;
                return later;
            }
        }
        long[] more = Arrays.copyOf(pairs, pairs.length + 2);
        more[pairs.length] = bucket;
        more[pairs.length + 1] = status;
        return more;
    }

    /** The latest status among the buckets {@code inWindow} accepts; {@link #NONE} when there is none. */
    static long latest(long[] pairs, LongPredicate inWindow) {
        long latest = NONE;
        for (int i = 0; i < pairs.length; i += 2) {
            if (inWindow.test(pairs[i])) {
                latest = Math.max(latest, pairs[i + 1]);
            }
        }
        return latest;
    }

    /** The statuses of buckets from {@code firstBucket} on: the same array when none is earlier, empty when all are. */
    static long[] from(long[] pairs, long firstBucket) {
        int kept = 0;
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i] >= firstBucket) {
                kept += 2;
            }
        }
        if (kept == pairs.length) {
            return pairs;
        }
        if (kept == 0) {
            return EMPTY;
        }
        long[] later = new long[kept];
        int at = 0;
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i] >= firstBucket) {
                later[at++] = pairs[i];
                later[at++] = pairs[i + 1];
            }
        }
        return later;
    }
}
