package io.surge.bench;

/**
 * What one contender did with the benchmark's input.
 *
 * @param contender what ran, e.g. "surge, exactly-once"
 * @param events input records: those the decode-only consumer read, and for a job those the topics held
 * @param seconds from the first record read to the last result written (committed, where transactional)
 * @param cpuSeconds CPU time this process spent meanwhile, on all its threads
 * @param results the results written, or {@link ResultDigest#NONE} for a contender that computes none
 * @param multiplierAlerts the episodes opened by the rules on multipliers (which Flink SQL can express too); null for
 *     a contender that computes no alerts
 * @param footprint the checkpoints and heap of a Flink job; null for a contender that is none
 * @param prices how plausible its raw and published prices are; null where not judged
 */
public record Measurement(
        String contender,
        long events,
        double seconds,
        double cpuSeconds,
        ResultDigest results,
        ResultDigest multiplierAlerts,
        JobFootprint footprint,
        PriceQuality prices) {

    public double eventsPerSecond() {
        return events / seconds;
    }

    public double cpuSecondsPerMillionEvents() {
        return cpuSeconds / (events / 1e6);
    }
}
