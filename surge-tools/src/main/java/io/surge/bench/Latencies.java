package io.surge.bench;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Latency percentiles of the results one consumer read, in milliseconds after each window could close.
 *
 * <p>All zones' results of one window end come out together, when the watermark passes it: the first of them shows
 * what every result waits (watermark, sink, broker, poll), the rest also wait for the zones emitted before them.
 *
 * @param results how many results were counted
 * @param firstP50 the median over window ends of the latency of the first result read for that end
 * @param firstP99 the 99th percentile of the same
 */
public record Latencies(int results, long p50, long p99, long max, long firstP50, long firstP99) {

    /**
     * @param arrivals per result read: its window end and when it was read (epoch millis)
     * @param from results of windows ending before this are left out (the job warming up)
     * @param until results of windows ending after this are left out (the traffic stopping)
     * @param bound the out-of-orderness bound: a window can close at its end plus this
     */
    static Latencies of(List<long[]> arrivals, long from, long until, long bound) {
        List<long[]> counted = arrivals.stream()
                .filter(arrival -> arrival[0] >= from && arrival[0] <= until)
                .toList();
        if (counted.isEmpty()) {
            return new Latencies(0, 0, 0, 0, 0, 0);
        }
        long[] latencies = counted.stream()
                .mapToLong(arrival -> arrival[1] - (arrival[0] + bound))
                .sorted()
                .toArray();
        Map<Long, Long> firstReadByEnd =
                counted.stream().collect(Collectors.toMap(arrival -> arrival[0], arrival -> arrival[1], Math::min));
        long[] firsts = firstReadByEnd.entrySet().stream()
                .mapToLong(first -> first.getValue() - (first.getKey() + bound))
                .sorted()
                .toArray();
        return new Latencies(
                latencies.length,
                percentile(latencies, 0.50),
                percentile(latencies, 0.99),
                latencies[latencies.length - 1],
                percentile(firsts, 0.50),
                percentile(firsts, 0.99));
    }

    /** The nearest-rank percentile of sorted values. */
    static long percentile(long[] sorted, double fraction) {
        int rank = (int) Math.ceil(fraction * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }
}
