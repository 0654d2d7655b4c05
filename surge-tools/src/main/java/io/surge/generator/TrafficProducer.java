package io.surge.generator;

import io.surge.config.SurgeConfig;
import java.time.Duration;
import org.apache.avro.specific.SpecificRecord;

/**
 * Plays {@link CityTraffic} into the input topics, either in real time (each event sent when the city clock reaches
 * it) or as fast as the broker takes it.
 */
public final class TrafficProducer implements AutoCloseable {

    private final CityTraffic city;
    private final InputWriter inputs;

    public TrafficProducer(CityTraffic city, SurgeConfig config) {
        this.city = city;
        this.inputs = new InputWriter(config.kafkaJob());
    }

    /**
     * Sends city time from now until {@code duration} has passed, or until interrupted.
     *
     * @param realTime pace events to the wall clock; otherwise send them as fast as possible
     */
    public void play(Duration duration, boolean realTime) throws InterruptedException {
        long end = city.now() + duration.toMillis();
        long wallStart = System.currentTimeMillis();
        long cityStart = city.now();
        while (city.now() < end && !Thread.currentThread().isInterrupted()) {
            if (realTime) {
                long wait = (city.now() - cityStart) - (System.currentTimeMillis() - wallStart);
                if (wait > 0) {
                    Thread.sleep(wait);
                }
            }
            for (SpecificRecord event : city.step()) {
                inputs.send(event);
            }
        }
        inputs.flush();
    }

    public long sent() {
        return inputs.sent();
    }

    @Override
    public void close() {
        inputs.close();
    }
}
