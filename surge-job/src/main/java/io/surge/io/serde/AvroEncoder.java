package io.surge.io.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Encodes surge's output records in the wire format under a schema id registered at job start, so encoding never
 * needs the registry. Not thread-safe: one per sink writer.
 */
public final class AvroEncoder<T extends SpecificRecord> {

    private final int schemaId;
    private final SpecificDatumWriter<T> writer;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
    private BinaryEncoder encoder;

    public AvroEncoder(int schemaId, org.apache.avro.Schema schema) {
        this.schemaId = schemaId;
        this.writer = new SpecificDatumWriter<>(schema);
    }

    public byte[] encode(T record) {
        buffer.reset();
        ByteBuffer header = ByteBuffer.allocate(WireFormat.HEADER_LENGTH);
        WireFormat.writeHeader(header, schemaId);
        buffer.write(header.array(), 0, WireFormat.HEADER_LENGTH);
        encoder = EncoderFactory.get().directBinaryEncoder(buffer, encoder);
        try {
            writer.write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode " + record.getSchema().getName(), e);
        }
        return buffer.toByteArray();
    }
}
