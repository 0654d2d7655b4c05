package io.surge.ingest;

import io.surge.avro.DriverStatus;
import io.surge.avro.RideRequest;
import io.surge.event.Ingested;
import io.surge.event.RecordOrigin;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Function;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/**
 * Every input surge reads, in one table: the Avro record it carries (whose schema is the
 * contract in {@code schemas/}), its name in recorded traffic, how a decoded record becomes a zone event or a dead
 * letter, and the key a producer gives it. Every reader and writer of the inputs goes through this table, so adding an
 * input is an entry here, its topic option ({@link io.surge.config.SurgeOption#topicOf}), its schema, and what the windows make of its
 * {@link io.surge.event.ZoneEvent.Kind}.
 */
public enum Input {
    RIDE_REQUESTS(
            RideRequest.getClassSchema(),
            "ride_request",
            (validation, record, origin) -> validation.rideRequest((RideRequest) record, origin),
            record -> ((RideRequest) record).getRequestId()),
    DRIVER_STATUS(
            DriverStatus.getClassSchema(),
            "driver_status",
            (validation, record, origin) -> validation.driverStatus((DriverStatus) record, origin),
            // one driver's statuses keep their order in one partition
            record -> ((DriverStatus) record).getDriverId());

    /** How a decoded record of an input is validated into a zone event, or diverted with the field that is wrong. */
    @FunctionalInterface
    private interface Validation {
        Ingested apply(InputValidation validation, SpecificRecord record, RecordOrigin origin);
    }

    private final Schema schema;
    private final String recordedName;
    private final Validation validation;
    private final Function<SpecificRecord, String> key;

    Input(Schema schema, String recordedName, Validation validation, Function<SpecificRecord, String> key) {
        this.schema = schema;
        this.recordedName = recordedName;
        this.validation = validation;
        this.key = key;
    }

    /** Surge's own schema of the input: what producers register and what it reads their records into. */
    public Schema schema() {
        return schema;
    }

    /** The input's {@code type} in recorded traffic (JSON lines). */
    public String recordedName() {
        return recordedName;
    }

    public Ingested validate(InputValidation validation, SpecificRecord record, RecordOrigin origin) {
        return this.validation.apply(validation, record, origin);
    }

    /** The Kafka key of a record, as surge's own producers write it. */
    public byte[] key(SpecificRecord record) {
        return key.apply(record).getBytes(StandardCharsets.UTF_8);
    }

    /** The input a record of surge's own input classes belongs to. */
    public static Input of(SpecificRecord record) {
        String type = record.getSchema().getFullName();
        for (Input input : values()) {
            if (input.schema.getFullName().equals(type)) {
                return input;
            }
        }
        throw new IllegalArgumentException(type + " is no input of surge");
    }

    public static Optional<Input> ofRecordedName(String name) {
        return Arrays.stream(values())
                .filter(input -> input.recordedName.equals(name))
                .findFirst();
    }
}
