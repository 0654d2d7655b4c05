package io.surge.io.registry;

import io.surge.io.Topics;
import java.util.Optional;
import java.util.OptionalInt;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the registry ready for surge's outputs before the job starts: each output schema registered (or, with
 * auto-registration off, found) under its subject, and each output subject guarded by FULL_TRANSITIVE compatibility
 * unless an operator chose a level for it. The ids are then fixed for the job's life, so writing output never needs
 * the registry.
 */
public final class OutputSchemas {

    public static final String COMPATIBILITY = "FULL_TRANSITIVE";
    private static final Logger LOG = LoggerFactory.getLogger(OutputSchemas.class);

    private final SchemaRegistryClient registry;
    private final boolean autoRegister;

    public OutputSchemas(SchemaRegistryClient registry, boolean autoRegister) {
        this.registry = registry;
        this.autoRegister = autoRegister;
    }

    /** The registry id of the schema for values of the topic. */
    public int prepare(String topic, Schema schema) {
        String subject = Topics.valueSubject(topic);
        guardCompatibility(subject);
        int id;
        if (autoRegister) {
            id = registry.register(subject, schema);
        } else {
            OptionalInt found = registry.lookup(subject, schema);
            if (found.isEmpty()) {
                throw new RegistryException(
                        "subject " + subject + " has no version equal to surge's "
                                + schema.getFullName() + " schema and registry.auto-register is false; register"
                                + " schemas/" + schema.getName() + ".avsc under " + subject + " or set"
                                + " registry.auto-register=true",
                        404,
                        null);
            }
            id = found.getAsInt();
        }
        LOG.info("output schema ready subject={} schema={} id={}", subject, schema.getFullName(), id);
        return id;
    }

    /**
     * Confluent answers 404 for a subject without its own level; Apicurio answers with the global level instead, so a
     * level equal to the global one is taken as inherited too.
     */
    private void guardCompatibility(String subject) {
        Optional<String> own = registry.compatibility(subject);
        Optional<String> global = registry.globalCompatibility();
        if (own.isPresent() && !own.equals(global)) {
            LOG.info("output subject keeps its compatibility subject={} compatibility={}", subject, own.get());
            return;
        }
        registry.setCompatibility(subject, COMPATIBILITY);
        LOG.info("output subject guarded subject={} compatibility={}", subject, COMPATIBILITY);
    }
}
