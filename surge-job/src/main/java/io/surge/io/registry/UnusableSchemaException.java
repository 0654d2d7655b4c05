package io.surge.io.registry;

/**
 * The registry has an entry under the id, but not one surge can read with: a JSON Schema or Protobuf schema (the
 * other serializers of Confluent's platform use the same wire format), an Avro schema that refers to others, an answer
 * without a schema, or one that does not parse. Ids are immutable, so this holds for the id for good.
 */
public final class UnusableSchemaException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public UnusableSchemaException(String message) {
        super(message, null, false, false);
    }
}
