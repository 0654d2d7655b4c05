package io.surge.bench;

/**
 * Result latency of one surge configuration under a fixed offered load.
 *
 * @param offeredEventsPerSecond what the generator sent, per second of the run
 * @param readable as a read_uncommitted consumer sees results: as soon as the job writes them
 * @param committed as a read_committed consumer sees them: for exactly-once, at the checkpoint after
 */
public record LatencyMeasurement(
        String contender, double offeredEventsPerSecond, Latencies readable, Latencies committed) {}
