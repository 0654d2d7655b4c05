package io.surge.config;

import java.io.Serializable;
import java.util.List;

/** The one place that knows surge's topic names. */
public record Topics(
        String rideRequests,
        String driverStatus,
        String multipliers,
        String alerts,
        String lateEvents,
        String deadLetters)
        implements Serializable {

    public List<String> inputs() {
        return List.of(rideRequests, driverStatus);
    }

    public List<String> all() {
        return List.of(rideRequests, driverStatus, multipliers, alerts, lateEvents, deadLetters);
    }

    /** Confluent's TopicNameStrategy: the subject of a topic's values. */
    public static String valueSubject(String topic) {
        return topic + "-value";
    }
}
