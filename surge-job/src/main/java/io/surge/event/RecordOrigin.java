package io.surge.event;

/**
 * Where an input record came from and its bytes as they were consumed. Kept with each record until it is
 * counted, so that a late or rejected record can be written out unchanged with its source coordinates.
 *
 * @param topic the Kafka topic it was read from
 * @param partition the partition of that topic
 * @param offset the record's offset in the partition
 * @param key the original key bytes, null when the record had no key
 * @param value the original value bytes (registry wire format), null for a tombstone
 */
public record RecordOrigin(String topic, int partition, long offset, byte[] key, byte[] value) {

    /** Where the record was read from, without its bytes. */
    public RecordOrigin coordinates() {
        return new RecordOrigin(topic, partition, offset, null, null);
    }
}
