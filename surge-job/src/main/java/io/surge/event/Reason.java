package io.surge.event;

/** Why an input record was not counted into a surge window; the wire name is the `surge.reason` header. */
public enum Reason {
    /** The value is not in the registry wire format or its Avro body does not decode. */
    UNDECODABLE("undecodable"),
    /** The registry does not know the writer schema id in the value. */
    UNKNOWN_SCHEMA("unknown-schema"),
    /** The registry's entry for the id is not a plain Avro record schema: JSON Schema, Protobuf, references. */
    UNSUPPORTED_SCHEMA("unsupported-schema"),
    /** The registry refuses to give out the schema of the id (HTTP 401, 403 or another final 4xx). */
    REGISTRY_REFUSED("registry-refused"),
    /** The record decoded, but a field is impossible: coordinates, ids or timestamps. */
    INVALID_FIELD("invalid-field"),
    /**
     * Its event time is further ahead of the processing clock than {@code input.max-future-skew}: its producer's
     * clock runs fast, and counting it would open windows nobody else is in yet.
     */
    FUTURE_EVENT_TIME("future-event-time"),
    /** Its coordinates are outside every box of {@code zones.bounds}: not where the service runs. */
    OUT_OF_AREA("out-of-area"),
    /** Every window the record belongs to had already been emitted when it arrived. */
    LATE("late");

    private final String wireName;

    Reason(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
