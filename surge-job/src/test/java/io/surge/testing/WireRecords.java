package io.surge.testing;

import io.surge.avro.SurgeMultiplier;
import io.surge.pricing.ZoneSurge;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;

/**
 * Confluent's wire format written out plainly for tests, independently of surge's serde: magic byte 0, the schema id
 * as a big-endian int, the Avro body.
 */
public final class WireRecords {

    private WireRecords() {}

    public static byte[] encode(int schemaId, Schema writerSchema, Object record) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.writeBytes(ByteBuffer.allocate(4).putInt(schemaId).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        try {
            // specific records hold logical types (Instant), which only their own data model converts
            GenericData model = record instanceof SpecificRecord ? SpecificData.get() : GenericData.get();
            new GenericDatumWriter<Object>(writerSchema, model).write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static int schemaId(byte[] value) {
        if (value[0] != 0) {
            throw new AssertionError("not in the wire format: first byte " + value[0]);
        }
        return ByteBuffer.wrap(value, 1, 4).getInt();
    }

    /** A value as a consumer with its own copy of {@code readerSchema}, and no generated class, reads it. */
    public static GenericRecord decodeGeneric(byte[] value, Schema writerSchema, Schema readerSchema) {
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(value, 5, value.length - 5, null);
        try {
            return new GenericDatumReader<GenericRecord>(writerSchema, readerSchema).read(null, decoder);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static <T> T decode(byte[] value, Schema writerSchema, Schema readerSchema) {
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(value, 5, value.length - 5, null);
        try {
            return new SpecificDatumReader<T>(writerSchema, readerSchema).read(null, decoder);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A surge-multipliers value written under {@code writerSchema}, as the job's own result type. */
    public static ZoneSurge surge(byte[] value, Schema writerSchema) {
        SurgeMultiplier m = decode(value, writerSchema, SurgeMultiplier.getClassSchema());
        ZoneSurge.Pricing pricing = m.getPolicyVersion() == null
                ? null
                : new ZoneSurge.Pricing(
                        m.getRawMultiplier(),
                        m.getPooledDemand(),
                        m.getPooledSupply(),
                        adjustedBy(m.getAdjustments()),
                        m.getCap(),
                        m.getPolicyVersion());
        return new ZoneSurge(
                m.getZoneId(),
                m.getWindowStart().toEpochMilli(),
                m.getWindowEnd().toEpochMilli(),
                m.getDemand(),
                m.getSupply(),
                m.getMultiplier(),
                m.getComputedAt().toEpochMilli(),
                pricing);
    }

    /** The adjustments as the job keeps them: bits in the order docs/semantics.md lists the steps. */
    private static int adjustedBy(List<String> adjustments) {
        List<String> steps = List.of("evidence", "smoothing", "cap");
        int bits = 0;
        for (String adjustment : adjustments) {
            bits |= 1 << steps.indexOf(adjustment);
        }
        return bits;
    }
}
