package io.surge.io.kafka;

import io.surge.event.DivertedRecord;
import io.surge.event.RecordOrigin;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * A late or rejected input record as it was consumed (original key and value bytes), with headers saying why and
 * where it came from, so it can be inspected or replayed.
 */
public final class DivertedRecordSerializer implements SingleTopicSerializer<DivertedRecord> {

    private static final long serialVersionUID = 1L;
    public static final String REASON = "surge.reason";
    public static final String DETAIL = "surge.detail";
    public static final String SOURCE_TOPIC = "surge.source.topic";
    public static final String SOURCE_PARTITION = "surge.source.partition";
    public static final String SOURCE_OFFSET = "surge.source.offset";

    private final String topic;

    public DivertedRecordSerializer(String topic) {
        this.topic = topic;
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
        headers.add(DETAIL, utf8(diverted.detail()));
        headers.add(SOURCE_TOPIC, utf8(origin.topic()));
        headers.add(SOURCE_PARTITION, utf8(Integer.toString(origin.partition())));
        headers.add(SOURCE_OFFSET, utf8(Long.toString(origin.offset())));
        return new ProducerRecord<>(topic, null, null, origin.key(), origin.value(), headers);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
