package io.surge.io.serde;

import io.surge.avro.SurgeAlert;
import io.surge.avro.SurgeMultiplier;
import io.surge.ingest.Input;
import io.surge.io.Topics;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/**
 * The one dispatch from a surge topic to the record its values decode into: each input's own schema (the table in
 * {@link Input}) and the two results' contracts. Every reader of surge's topics decodes through one. Not thread-safe:
 * one per reader, like the {@link AvroDecoder}s it holds.
 */
public final class TopicDecoders {

    private final Map<String, AvroDecoder<SpecificRecord>> byTopic = new HashMap<>();

    /** @param registry where writer schemas come from, e.g. {@code SchemaRegistryClient::schemaById} */
    public TopicDecoders(Topics topics, AvroDecoder.WriterSchemas registry) {
        for (Input input : Input.values()) {
            add(topics.input(input), input.schema(), registry);
        }
        add(topics.multipliers(), SurgeMultiplier.getClassSchema(), registry);
        add(topics.alerts(), SurgeAlert.getClassSchema(), registry);
    }

    private void add(String topic, Schema schema, AvroDecoder.WriterSchemas registry) {
        byTopic.put(topic, new AvroDecoder<>(registry, schema));
    }

    /** Whether values of the topic are records of surge's contract (the diverted-records topics are not). */
    public boolean decodes(String topic) {
        return byTopic.containsKey(topic);
    }

    /** @throws IllegalArgumentException for a topic whose values are not records of surge's contract */
    public SpecificRecord decode(String topic, byte[] value) throws UndecodableException {
        AvroDecoder<SpecificRecord> decoder = byTopic.get(topic);
        if (decoder == null) {
            throw new IllegalArgumentException("values of topic " + topic + " are not records surge decodes");
        }
        return decoder.decode(value);
    }
}
