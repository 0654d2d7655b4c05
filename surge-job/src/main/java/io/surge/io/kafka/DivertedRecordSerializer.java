package io.surge.io.kafka;

import io.surge.event.DivertedRecord;
import io.surge.event.RecordOrigin;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * A late or rejected input record as it was consumed (original key and value bytes), with headers saying why and
 * where it came from, so it can be inspected or replayed.
 *
 * <p>An input topic may take records larger than surge's outputs can: a record whose key and value together exceed
 * {@code maxBytes} is written as a bounded copy, its key cut to {@value #MAX_KEY_BYTES} bytes and its value to what is
 * left, with {@link #TRUNCATED} and the original sizes and SHA-256 digests in headers, rather than failing the sink.
 */
public final class DivertedRecordSerializer implements SingleTopicSerializer<DivertedRecord> {

    private static final long serialVersionUID = 1L;
    public static final String REASON = "surge.reason";
    public static final String DETAIL = "surge.detail";
    public static final String SOURCE_TOPIC = "surge.source.topic";
    public static final String SOURCE_PARTITION = "surge.source.partition";
    public static final String SOURCE_OFFSET = "surge.source.offset";
    public static final String TRUNCATED = "surge.truncated";
    public static final String ORIGINAL_KEY_SIZE = "surge.original.key.size";
    public static final String ORIGINAL_VALUE_SIZE = "surge.original.value.size";
    public static final String ORIGINAL_KEY_SHA256 = "surge.original.key.sha256";
    public static final String ORIGINAL_VALUE_SHA256 = "surge.original.value.sha256";
    static final int MAX_KEY_BYTES = 1024;
    static final int MAX_DETAIL_CHARS = 1000;

    private final String topic;
    private final int maxBytes;

    /** @param maxBytes the most key and value bytes one record may carry; above it, a bounded copy */
    public DivertedRecordSerializer(String topic, int maxBytes) {
        this.topic = topic;
        this.maxBytes = maxBytes;
    }

    @Override
    public String topic() {
        return topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(DivertedRecord diverted, KafkaSinkContext context, Long timestamp) {
        RecordOrigin origin = diverted.origin();
        RecordHeaders headers = new RecordHeaders();
        headers.add(REASON, utf8(diverted.reason().wireName()));
        headers.add(DETAIL, utf8(bounded(diverted.detail())));
        headers.add(SOURCE_TOPIC, utf8(origin.topic()));
        headers.add(SOURCE_PARTITION, utf8(Integer.toString(origin.partition())));
        headers.add(SOURCE_OFFSET, utf8(Long.toString(origin.offset())));
        byte[] key = origin.key();
        byte[] value = origin.value();
        if (size(key) + size(value) > maxBytes) {
            headers.add(TRUNCATED, utf8("true"));
            headers.add(ORIGINAL_KEY_SIZE, utf8(Integer.toString(size(key))));
            headers.add(ORIGINAL_VALUE_SIZE, utf8(Integer.toString(size(value))));
            headers.add(ORIGINAL_KEY_SHA256, utf8(sha256(key)));
            headers.add(ORIGINAL_VALUE_SHA256, utf8(sha256(value)));
            key = key == null ? null : Arrays.copyOf(key, Math.min(key.length, MAX_KEY_BYTES));
            value = value == null ? null : Arrays.copyOf(value, Math.min(value.length, maxBytes - size(key)));
        }
        return new ProducerRecord<>(topic, null, null, key, value, headers);
    }

    private static int size(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }

    private static String bounded(String detail) {
        return detail.length() <= MAX_DETAIL_CHARS ? detail : detail.substring(0, MAX_DETAIL_CHARS) + "...";
    }

    private static String sha256(byte[] bytes) {
        if (bytes == null) {
            return "";
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
