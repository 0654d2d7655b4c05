package io.surge.io;

import io.surge.ingest.Input;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The one place that knows surge's topic names.
 *
 * @param inputs the topic of every {@link Input}
 * @param ruleSets the deployed rule set versions, one partition, kept for ever
 * @param partitions of the topics surge creates when they are missing
 */
public record Topics(
        Map<Input, String> inputs,
        String multipliers,
        String alerts,
        String lateEvents,
        String deadLetters,
        String ruleSets,
        int partitions)
        implements Serializable {

    public Topics {
        inputs = Collections.unmodifiableMap(new EnumMap<>(inputs));
    }

    public String input(Input input) {
        return inputs.get(input);
    }

    public String rideRequests() {
        return input(Input.RIDE_REQUESTS);
    }

    public String driverStatus() {
        return input(Input.DRIVER_STATUS);
    }

    public List<String> inputTopics() {
        return List.copyOf(inputs.values());
    }

    public List<String> all() {
        List<String> all = new ArrayList<>(inputs.values());
        all.addAll(List.of(multipliers, alerts, lateEvents, deadLetters, ruleSets));
        return all;
    }

    /** Confluent's TopicNameStrategy: the subject of a topic's values. */
    public static String valueSubject(String topic) {
        return topic + "-value";
    }
}
