package io.surge.io.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.surge.avro.RideRequest;
import io.surge.event.Reason;
import io.surge.io.registry.RegistryException;
import io.surge.io.registry.UnusableSchemaException;
import io.surge.testing.Inputs;
import io.surge.testing.OtherTeams;
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
    private static final Schema NOT_A_RIDE = SchemaBuilder.record("RideRequest")
            .namespace("io.surge.avro")
            .fields()
            .requiredInt("seats")
            .endRecord();
    private static final Map<Integer, Schema> REGISTRY =
            Map.of(RIDE_V1, RideRequest.getClassSchema(), INCOMPATIBLE, NOT_A_RIDE);

    private final AvroDecoder<RideRequest> decoder = new AvroDecoder<>(
            id -> {
                Schema schema = REGISTRY.get(id);
                if (schema == null) {
                    throw new RegistryException("no schema " + id, 404, null);
                }
                return schema;
            },
            RideRequest.getClassSchema());

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
        assertRejected(Arrays.copyOf(valid, valid.length - 3), Reason.UNDECODABLE, "bytes early");
        assertRejected(Arrays.copyOf(valid, valid.length + 2), Reason.UNDECODABLE, "bytes left over");
        byte[] incompatible = valid.clone();
        ByteBuffer.wrap(incompatible).putInt(1, INCOMPATIBLE);
        assertRejected(incompatible, Reason.UNDECODABLE, "writer schema id " + INCOMPATIBLE);
    }

    @Test
    void aStringClaimingAGigabyteIsRejectedWithoutAllocatingIt() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {0, 0, 0, 0, RIDE_V1});
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        encoder.writeLong(1_000_000_000L); // request_id's length, with no bytes behind it
        encoder.flush();

        assertRejected(out.toByteArray(), Reason.UNDECODABLE, "claims 1000000000 bytes");
    }

    private static final int RECURSIVE = 9;
    private static final int NOTHINGS = 10;
    private static final int A_STRING = 11;
    private static final int JSON_SCHEMA = 12;
    private static final int FORBIDDEN = 13;

    private int registryCalls;
    private final AvroDecoder<RideRequest> evolved = new AvroDecoder<>(
            id -> {
                registryCalls++;
                return switch (id) {
                    case RECURSIVE -> OtherTeams.RECURSIVE_RIDE;
                    case NOTHINGS -> OtherTeams.RIDE_WITH_NOTHINGS;
                    case A_STRING -> Schema.create(Schema.Type.STRING);
                    case JSON_SCHEMA -> throw new UnusableSchemaException("schema id 12 is a JSON schema, not Avro");
                    case FORBIDDEN -> throw new RegistryException("HTTP 403 forbidden", 403, null);
                    default -> throw new RegistryException("no schema " + id, 404, null);
                };
            },
            RideRequest.getClassSchema());

    @Test
    void aRecursiveEvolutionDecodesWhileShallowAndIsRejectedBeyondTheDepthBound() throws Exception {
        assertThat(evolved.decode(
                        OtherTeams.framed(RECURSIVE, OtherTeams.nestedRide(ride, AvroBodyCheck.MAX_DEPTH - 1))))
                .isEqualTo(ride);

        // 20,000 levels would overflow Avro's recursive reader; the walk stops at the bound instead
        assertThatThrownBy(() -> evolved.decode(OtherTeams.framed(RECURSIVE, OtherTeams.nestedRide(ride, 20_000))))
                .isInstanceOfSatisfying(
                        UndecodableException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNDECODABLE))
                .hasMessageContaining("nests deeper than " + AvroBodyCheck.MAX_DEPTH + " levels");
    }

    @Test
    void aBlockClaimingBillionsOfItemsThatTakeNoBytesIsRejectedAtOnce() throws Exception {
        byte[] nothings = OtherTeams.framed(NOTHINGS, OtherTeams.twoBillionNothings(ride));

        long started = System.nanoTime();
        assertThatThrownBy(() -> evolved.decode(nothings))
                .isInstanceOf(UndecodableException.class)
                .hasMessageContaining("more array or map items than its");
        assertThat(System.nanoTime() - started)
                .as("rejected without walking the items")
                .isLessThan(1_000_000_000L);
    }

    @Test
    void schemasThatAreNotAvroRecordsOrThatTheRegistryWithholdsAreNamedAndRememberedForTheirId() {
        byte[] string = WireRecords.encode(A_STRING, Schema.create(Schema.Type.STRING), "a ride?");
        assertRejectedBy(evolved, string, Reason.UNSUPPORTED_SCHEMA, "schema id 11 is an Avro string, not a record");
        assertRejectedBy(evolved, withId(JSON_SCHEMA), Reason.UNSUPPORTED_SCHEMA, "is a JSON schema, not Avro");
        assertRejectedBy(evolved, withId(FORBIDDEN), Reason.REGISTRY_REFUSED, "HTTP 403");
        assertRejectedBy(evolved, withId(4242), Reason.UNKNOWN_SCHEMA, "no schema with id 4242");
        int asked = registryCalls;

        for (int i = 0; i < 1_000; i++) {
            assertRejectedBy(evolved, withId(4242), Reason.UNKNOWN_SCHEMA, "no schema with id 4242");
            assertRejectedBy(evolved, withId(JSON_SCHEMA), Reason.UNSUPPORTED_SCHEMA, "JSON");
            assertRejectedBy(evolved, withId(FORBIDDEN), Reason.REGISTRY_REFUSED, "403");
        }
        assertThat(registryCalls).as("refused ids are not asked for again").isEqualTo(asked);
    }

    private byte[] withId(int id) {
        byte[] framed = valid.clone();
        ByteBuffer.wrap(framed).putInt(1, id);
        return framed;
    }

    private void assertRejected(byte[] value, Reason reason, String detail) {
        assertRejectedBy(decoder, value, reason, detail);
    }

    private static void assertRejectedBy(AvroDecoder<RideRequest> decoder, byte[] value, Reason reason, String detail) {
        assertThatThrownBy(() -> decoder.decode(value))
                .isInstanceOfSatisfying(
                        UndecodableException.class, e -> assertThat(e.reason()).isEqualTo(reason))
                .hasMessageContaining(detail);
    }
}
