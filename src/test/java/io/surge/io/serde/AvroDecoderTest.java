package io.surge.io.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.surge.avro.RideRequest;
import io.surge.event.Reason;
import io.surge.io.registry.RegistryException;
import io.surge.testing.Inputs;
import io.surge.testing.WireRecords;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

/** Decoding bad values; writer schemas come from a map here, the real registry is exercised in KafkaSurgeITCase. */
class AvroDecoderTest {

    private static final int RIDE_V1 = 7;
    private static final int INCOMPATIBLE = 8;
    private static final Schema NOT_A_RIDE =
            SchemaBuilder.record("RideRequest").namespace("io.surge.avro").fields().requiredInt("seats").endRecord();
    private static final Map<Integer, Schema> REGISTRY = Map.of(RIDE_V1, RideRequest.getClassSchema(), INCOMPATIBLE,
            NOT_A_RIDE);

    private final AvroDecoder<RideRequest> decoder = new AvroDecoder<>(id -> {
        Schema schema = REGISTRY.get(id);
        if (schema == null) {
            throw new RegistryException("no schema " + id, 404, null);
        }
        return schema;
    }, RideRequest.getClassSchema());

    private final RideRequest ride = Inputs.rideRequest("r1", 40.7, -74.0, 1_000);
    private final byte[] valid = WireRecords.encode(RIDE_V1, RideRequest.getClassSchema(), ride);

    @Test
    void aValidValueDecodesToTheRecordItWasWrittenFrom() throws Exception {
        assertThat(decoder.decode(valid)).isEqualTo(ride);
    }

    @Test
    void valuesOutsideTheWireFormatAreUndecodable() {
        assertRejected(new byte[0], Reason.UNDECODABLE, "empty");
        assertRejected(new byte[] {1, 0, 0, 0, 7}, Reason.UNDECODABLE, "0x01");
        assertRejected(new byte[] {0, 0, 0}, Reason.UNDECODABLE, "shorter than the 5-byte");
    }

    @Test
    void anUnknownSchemaIdIsNamed() {
        byte[] unknown = valid.clone();
        ByteBuffer.wrap(unknown).putInt(1, 4242);
        assertRejected(unknown, Reason.UNKNOWN_SCHEMA, "no schema with id 4242");
    }

    @Test
    void truncatedOverLongAndUnresolvableBodiesAreUndecodable() {
        assertRejected(Arrays.copyOf(valid, valid.length - 3), Reason.UNDECODABLE, "does not decode");
        assertRejected(Arrays.copyOf(valid, valid.length + 2), Reason.UNDECODABLE, "bytes left over");
        byte[] incompatible = valid.clone();
        ByteBuffer.wrap(incompatible).putInt(1, INCOMPATIBLE);
        assertRejected(incompatible, Reason.UNDECODABLE, "schema id " + INCOMPATIBLE);
    }

    @Test
    void aStringClaimingAGigabyteIsRejectedWithoutAllocatingIt() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {0, 0, 0, 0, RIDE_V1});
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        encoder.writeLong(1_000_000_000L); // request_id's length, with no bytes behind it
        encoder.flush();

        assertRejected(out.toByteArray(), Reason.UNDECODABLE, "does not decode");
    }

    private void assertRejected(byte[] value, Reason reason, String detail) {
        assertThatThrownBy(() -> decoder.decode(value))
                .isInstanceOfSatisfying(UndecodableException.class, e -> assertThat(e.reason()).isEqualTo(reason))
                .hasMessageContaining(detail);
    }
}
