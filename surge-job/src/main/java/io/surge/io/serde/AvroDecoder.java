package io.surge.io.serde;

import io.surge.event.Reason;
import io.surge.io.registry.RegistryException;
import io.surge.io.registry.UnusableSchemaException;
import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;

/**
 * Decodes wire-format values into surge's own record class, resolving each writer schema (fetched by id from the
 * registry once, then cached) to surge's reader schema, so producers may evolve their schema compatibly while the job
 * runs. Every body is first walked with bounds ({@link AvroBodyCheck}), so that no value, however made, costs more
 * than its size. Not thread-safe: one per source reader.
 *
 * <p>Ids the registry does not know or will not give out are remembered for {@value #REFUSED_ID_MILLIS} ms, up to
 * {@value #REFUSED_IDS} of them, so that records with random ids do not cost a registry call each; ids whose entry is
 * not a plain Avro record schema are remembered for as long, though such an answer never changes.
 */
public final class AvroDecoder<T extends SpecificRecord> {

    static final int REFUSED_IDS = 10_000;
    static final long REFUSED_ID_MILLIS = 60_000;

    private final WriterSchemas registry;
    private final Schema readerSchema;
    private final Map<Integer, Reader<T>> readersByWriterId = new HashMap<>();
    private final Map<Integer, Refusal> refusedIds = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, Refusal> eldest) {
            return size() > REFUSED_IDS;
        }
    };
    private BinaryDecoder decoder;

    /** Where writer schemas come from: in production the registry client. */
    @FunctionalInterface
    public interface WriterSchemas {
        /**
         * @throws RegistryException with the HTTP status of a final refusal, 404 for an unknown id
         * @throws UnusableSchemaException when the entry is not a plain Avro schema
         */
        Schema byId(int id);
    }

    private record Reader<T>(Schema writerSchema, SpecificDatumReader<T> datumReader) {}

    private record Refusal(Reason reason, String detail, long until) {}

    public AvroDecoder(WriterSchemas registry, Schema readerSchema) {
        this.registry = registry;
        this.readerSchema = readerSchema;
    }

    /**
     * @throws UndecodableException for a value that is not decodable input (dead-lettered)
     * @throws RegistryException when the registry cannot be reached and the schemas at hand do not wait it out: not
     *     the record's fault, so it must not be dead-lettered
     */
    public T decode(byte[] value) throws UndecodableException {
        int writerId = WireFormat.schemaId(value);
        Reader<T> reader = readerFor(writerId);
        try {
            AvroBodyCheck.check(reader.writerSchema(), value, WireFormat.HEADER_LENGTH);
        } catch (UndecodableException e) {
            throw new UndecodableException(e.reason(), e.getMessage() + " (writer schema id " + writerId + ")");
        }
        try {
            decoder = DecoderFactory.get()
                    .binaryDecoder(value, WireFormat.HEADER_LENGTH, value.length - WireFormat.HEADER_LENGTH, decoder);
            return reader.datumReader().read(null, decoder);
        } catch (IOException | RuntimeException e) {
            // a writer schema that does not resolve to surge's, say: the body itself passed the check
            throw new UndecodableException(
                    Reason.UNDECODABLE,
                    "the Avro body does not decode with schema id " + writerId + " into " + readerSchema.getName()
                            + ": " + e);
        }
    }

    private Reader<T> readerFor(int writerId) throws UndecodableException {
        Reader<T> reader = readersByWriterId.get(writerId);
        if (reader != null) {
            return reader;
        }
        Refusal refused = refusedIds.get(writerId);
        if (refused != null && refused.until() > System.currentTimeMillis()) {
            throw new UndecodableException(refused.reason(), refused.detail());
        }
        Schema writerSchema;
        try {
            writerSchema = registry.byId(writerId);
        } catch (UnusableSchemaException e) {
            throw refuse(writerId, Reason.UNSUPPORTED_SCHEMA, e.getMessage());
        } catch (RegistryException e) {
            if (e.isNotFound()) {
                throw refuse(writerId, Reason.UNKNOWN_SCHEMA, "the registry has no schema with id " + writerId);
            }
            if (e.httpStatus() / 100 == 4) {
                throw refuse(writerId, Reason.REGISTRY_REFUSED, e.getMessage());
            }
            throw e;
        }
        if (writerSchema.getType() != Schema.Type.RECORD) {
            throw refuse(
                    writerId,
                    Reason.UNSUPPORTED_SCHEMA,
                    "schema id " + writerId + " is an Avro "
                            + writerSchema.getType().getName() + ", not a record");
        }
        reader = new Reader<>(
                writerSchema,
                new SpecificDatumReader<>(writerSchema, readerSchema, SpecificData.getForSchema(readerSchema)));
        readersByWriterId.put(writerId, reader);
        return reader;
    }

    private UndecodableException refuse(int writerId, Reason reason, String detail) {
        refusedIds.put(writerId, new Refusal(reason, detail, System.currentTimeMillis() + REFUSED_ID_MILLIS));
        return new UndecodableException(reason, detail);
    }
}
