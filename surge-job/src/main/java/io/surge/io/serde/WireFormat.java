package io.surge.io.serde;

import io.surge.event.Reason;
import java.nio.ByteBuffer;

/**
 * Confluent's Schema Registry wire format: byte 0 (the magic byte), the writer schema's registry id as a 4-byte
 * big-endian int, then the Avro binary body.
 */
public final class WireFormat {

    public static final byte MAGIC = 0;
    public static final int HEADER_LENGTH = 5;

    private WireFormat() {}

    /** The registry id of the schema the value was written with. */
    public static int schemaId(byte[] value) throws UndecodableException {
        if (value == null || value.length == 0) {
            throw new UndecodableException(Reason.UNDECODABLE, "the value is empty");
        }
        if (value[0] != MAGIC) {
            throw new UndecodableException(
                    Reason.UNDECODABLE,
                    String.format(
                            "the value starts with byte 0x%02x, not the registry wire format's magic byte 0x00",
                            value[0]));
        }
        if (value.length < HEADER_LENGTH) {
            throw new UndecodableException(
                    Reason.UNDECODABLE,
                    "the value is " + value.length + " bytes, shorter than the 5-byte wire format header");
        }
        return ByteBuffer.wrap(value, 1, 4).getInt();
    }

    public static void writeHeader(ByteBuffer target, int schemaId) {
        target.put(MAGIC).putInt(schemaId);
    }
}
