package io.surge.io.serde;

import io.surge.event.Reason;
import org.apache.avro.Schema;

/**
 * Walks an Avro binary body against its writer schema before anything decodes it, with the bounds Avro's own readers
 * lack, so that no single value can crash, spin or exhaust the job:
 * <ul>
 *   <li>at most {@value #MAX_DEPTH} levels of nesting: a recursive writer schema lets a value nest as deep as its
 *       bytes allow, and Avro reads nested values by recursion, into a stack overflow;</li>
 *   <li>at most as many array and map items as the body has bytes, plus {@value #ITEM_ALLOWANCE}: items of a type that
 *       takes no bytes (null, an empty record) cost Avro a loop turn each, and a block can claim two billion of them;</li>
 *   <li>no length, block size or union branch beyond what the body and the schema hold: Avro allocates a length
 *       before it finds the bytes missing.</li>
 * </ul>
 * A body that passes takes Avro's reader no more work than the walk took. Not thread-safe; cheap to create.
 */
final class AvroBodyCheck {

    static final int MAX_DEPTH = 32;
    static final int ITEM_ALLOWANCE = 10_000;

    private final byte[] bytes;
    private final int end;
    private int position;
    private long itemsLeft;

    private AvroBodyCheck(byte[] bytes, int offset) {
        this.bytes = bytes;
        this.end = bytes.length;
        this.position = offset;
        this.itemsLeft = (long) (bytes.length - offset) + ITEM_ALLOWANCE;
    }

    /** @throws UndecodableException naming what is wrong with the body from {@code offset} on */
    static void check(Schema writer, byte[] value, int offset) throws UndecodableException {
        AvroBodyCheck walk = new AvroBodyCheck(value, offset);
        walk.value(writer, 1);
        if (walk.position != walk.end) {
            throw undecodable("the Avro body has " + (walk.end - walk.position) + " bytes left over after a complete "
                    + writer.getName());
        }
    }

    private void value(Schema schema, int depth) throws UndecodableException {
        if (depth > MAX_DEPTH) {
            throw undecodable("the value nests deeper than " + MAX_DEPTH + " levels");
        }
        switch (schema.getType()) {
            case NULL -> {}
            case BOOLEAN -> skip(1);
            case INT -> varint(5);
            case LONG -> varint(10);
            case FLOAT -> skip(4);
            case DOUBLE -> skip(8);
            case STRING, BYTES -> skip(length());
            case FIXED -> skip(schema.getFixedSize());
            case ENUM -> index(schema.getEnumSymbols().size(), "enum " + schema.getName());
            case UNION -> value(schema.getTypes().get(index(schema.getTypes().size(), "union")), depth);
            case RECORD -> {
                for (Schema.Field field : schema.getFields()) {
                    value(field.schema(), depth + 1);
                }
            }
            case ARRAY -> blocks(schema.getElementType(), false, depth);
            case MAP -> blocks(schema.getValueType(), true, depth);
        }
    }

    private void blocks(Schema items, boolean map, int depth) throws UndecodableException {
        while (true) {
            long count = varint(10);
            if (count == 0) {
                return;
            }
            long size = -1;
            int start = 0;
            if (count < 0) {
                // a negative count is followed by the block's size in bytes, so that readers can skip it
                count = count == Long.MIN_VALUE ? Long.MAX_VALUE : -count;
                size = varint(10);
                if (size < 0 || size > end - position) {
                    throw undecodable(
                            "an array or map block claims " + size + " bytes, " + (end - position) + " are left");
                }
                start = position;
            }
            if (count > itemsLeft) {
                throw undecodable("the value holds more array or map items than its " + (bytes.length) + " bytes"
                        + " allow (at most the byte count plus " + ITEM_ALLOWANCE + ")");
            }
            itemsLeft -= count;
            for (long item = 0; item < count; item++) {
                if (map) {
                    skip(length());
                }
                value(items, depth + 1);
            }
            if (size >= 0 && position - start != size) {
                throw undecodable(
                        "an array or map block claims " + size + " bytes but its items take " + (position - start));
            }
        }
    }

    private int index(int choices, String what) throws UndecodableException {
        long index = varint(10);
        if (index < 0 || index >= choices) {
            throw undecodable("the " + what + " index " + index + " is not one of the writer schema's " + choices);
        }
        return (int) index;
    }

    private long length() throws UndecodableException {
        long length = varint(10);
        if (length < 0 || length > end - position) {
            throw undecodable("a string or bytes field claims " + length + " bytes, " + (end - position) + " are left");
        }
        return length;
    }

    private void skip(long count) throws UndecodableException {
        if (count > end - position) {
            throw undecodable("the Avro body ends " + (count - (end - position)) + " bytes early");
        }
        position += (int) count;
    }

    /** A zig-zag variable-length integer of at most {@code maxBytes} bytes, decoded. */
    private long varint(int maxBytes) throws UndecodableException {
        long raw = 0;
        for (int shift = 0, read = 0; read < maxBytes; shift += 7, read++) {
            if (position == end) {
                throw undecodable("the Avro body ends inside a number");
            }
            int b = bytes[position++] & 0xff;
            raw |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        throw undecodable("a number in the Avro body is longer than " + maxBytes + " bytes");
    }

    private static UndecodableException undecodable(String detail) {
        return new UndecodableException(Reason.UNDECODABLE, detail);
    }
}
