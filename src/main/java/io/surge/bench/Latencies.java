package io.surge.bench;

import java.util.List;

/**
 * Latency percentiles of the results one consumer read, in milliseconds after each window could close.
 *
 * @param results how many results were counted
 */
public record Latencies(int results, long p50, long p99, long max) {

    /**
     * @param arrivals per result read: its window end and when it was read (epoch millis)
     * @param from results of windows ending before this are left out (the job warming up)
     * @param until results of windows ending after this are left out (the traffic stopping)
     * @param bound the out-of-orderness bound: a window can close at its end plus this
     */
    static Latencies of(List<long[]> arrivals, long from, long until, long bound) {
        long[] latencies = arrivals.stream()
                .filter(arrival -> arrival[0] >= from && arrival[0] <= until)
                .mapToLong(arrival -> arrival[1] - (arrival[0] + bound))
                .sorted()
                .toArray();
        if (latencies.length == 0) {
            return new Latencies(0, 0, 0, 0);
        }
        return new Latencies(latencies.length, percentile(latencies, 0.50), percentile(latencies, 0.99),
                latencies[latencies.length - 1]);
    }

    /** The nearest-rank percentile of sorted values. */
    static long percentile(long[] sorted, double fraction) {
        int rank = (int) Math.ceil(fraction * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }
}
