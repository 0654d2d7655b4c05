package io.surge.testing;

import io.surge.avro.DriverStatus;
import io.surge.avro.RideRequest;
import io.surge.config.SurgeConfig;
import io.surge.embedded.EmbeddedKafka;
import io.surge.embedded.EmbeddedRegistry;
import io.surge.io.kafka.TopicSetup;
import io.surge.io.registry.SchemaRegistryClient;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * A fresh embedded broker and registry for one test job: surge's topics created, the input schemas registered the way
 * producers register them, and a configuration pointing at both.
 */
public final class SurgeStack implements AutoCloseable {

    private final EmbeddedKafka kafka;
    private final EmbeddedRegistry registry;
    private final SurgeConfig config;
    private final Map<String, Integer> inputSchemaIds;

    private SurgeStack(EmbeddedKafka kafka, EmbeddedRegistry registry, SurgeConfig config, Map<String, Integer> ids) {
        this.kafka = kafka;
        this.registry = registry;
        this.config = config;
        this.inputSchemaIds = ids;
    }

    /** @param options job options over the connection settings, e.g. the job name and checkpoint interval */
    public static SurgeStack start(Map<String, String> options) throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.start();
        EmbeddedRegistry registry;
        try {
            registry = EmbeddedRegistry.start(EmbeddedRegistry.DEFAULT_JAR, 0);
        } catch (Exception e) {
            kafka.close();
            throw e;
        }
        Map<String, String> all = new HashMap<>(options);
        all.put("kafka.bootstrap", kafka.bootstrapServers());
        all.put("registry.url", registry.url());
        SurgeConfig config = SurgeConfig.fromOptions(all, "test");
        TopicSetup.ensureTopics(config);
        SchemaRegistryClient client = new SchemaRegistryClient(config.registry());
        Map<String, Integer> ids = Map.of(
                config.topics().rideRequests(),
                client.register(config.topics().rideRequests() + "-value", RideRequest.getClassSchema()),
                config.topics().driverStatus(),
                client.register(config.topics().driverStatus() + "-value", DriverStatus.getClassSchema()));
        return new SurgeStack(kafka, registry, config, ids);
    }

    public SurgeConfig config() {
        return config;
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** The input topic of a ride request or driver status. */
    public String topicOf(Object input) {
        return input instanceof RideRequest ? config.topics().rideRequests() : config.topics().driverStatus();
    }

    /** The input in the wire format under the schema id registered for its topic. */
    public byte[] wire(Object input) {
        return WireRecords.encode(inputSchemaIds.get(topicOf(input)), ((SpecificRecord) input).getSchema(), input);
    }

    public int schemaIdOf(String topic) {
        return inputSchemaIds.get(topic);
    }

    @Override
    public void close() throws Exception {
        try {
            registry.close();
        } finally {
            kafka.close();
        }
    }
}
