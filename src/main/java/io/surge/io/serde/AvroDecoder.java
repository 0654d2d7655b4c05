package io.surge.io.serde;

import io.surge.event.Reason;
import io.surge.io.registry.RegistryException;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;

/**
 * Decodes wire-format values into surge's own record class, resolving each writer schema (fetched by id from the
 * registry once, then cached) to surge's reader schema, so producers may evolve their schema compatibly while the job
 * runs. Not thread-safe: one per source reader.
 */
public final class AvroDecoder<T extends SpecificRecord> {

    private final WriterSchemas registry;
    private final Schema readerSchema;
    private final Map<Integer, Reader<T>> readersByWriterId = new HashMap<>();
    private BinaryDecoder decoder;

    /** Where writer schemas come from: in production {@code SchemaRegistryClient::schemaById}. */
    @FunctionalInterface
    public interface WriterSchemas {
        /** @throws RegistryException with status 404 for an unknown id */
        Schema byId(int id);
    }

    public AvroDecoder(WriterSchemas registry, Schema readerSchema) {
        this.registry = registry;
        this.readerSchema = readerSchema;
    }

    /**
     * @throws UndecodableException for a value that is not decodable input (dead-lettered)
     * @throws RegistryException when the registry cannot be reached: not the record's fault, so the job must fail and
     *     retry rather than dead-letter a good record
     */
    public T decode(byte[] value) throws UndecodableException {
        int writerId = WireFormat.schemaId(value);
        Reader<T> reader = readerFor(writerId);
        T record;
        try {
            // Walk the body first without allocating: a length field claiming more bytes than the value holds
            // fails here instead of making Avro allocate that much.
            GenericDatumReader.skip(reader.writerSchema(), body(value));
            if (!decoder.isEnd()) {
                throw new UndecodableException(Reason.UNDECODABLE,
                        "the Avro body has bytes left over after a complete " + readerSchema.getName()
                                + " (schema id " + writerId + ")");
            }
            record = reader.datumReader().read(null, body(value));
        } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | NegativeArraySizeException e) {
            throw new UndecodableException(Reason.UNDECODABLE,
                    "the Avro body does not decode with schema id " + writerId + ": " + e);
        }
        return record;
    }

    private BinaryDecoder body(byte[] value) {
        decoder = DecoderFactory.get().binaryDecoder(
                value, WireFormat.HEADER_LENGTH, value.length - WireFormat.HEADER_LENGTH, decoder);
        return decoder;
    }

    private record Reader<T>(Schema writerSchema, SpecificDatumReader<T> datumReader) {}

    private Reader<T> readerFor(int writerId) throws UndecodableException {
        Reader<T> reader = readersByWriterId.get(writerId);
        if (reader != null) {
            return reader;
        }
        Schema writerSchema;
        try {
            writerSchema = registry.byId(writerId);
        } catch (RegistryException e) {
            if (e.isNotFound()) {
                throw new UndecodableException(Reason.UNKNOWN_SCHEMA,
                        "the registry has no schema with id " + writerId);
            }
            throw e;
        }
        reader = new Reader<>(writerSchema,
                new SpecificDatumReader<>(writerSchema, readerSchema, SpecificData.getForSchema(readerSchema)));
        readersByWriterId.put(writerId, reader);
        return reader;
    }
}
