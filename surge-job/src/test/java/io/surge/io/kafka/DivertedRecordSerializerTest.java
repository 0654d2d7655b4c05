package io.surge.io.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.surge.event.DivertedRecord;
import io.surge.event.Reason;
import io.surge.event.RecordOrigin;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class DivertedRecordSerializerTest {

    private static final int MAX = 512 * 1024;
    private final DivertedRecordSerializer serializer = new DivertedRecordSerializer("surge-dead-letters", MAX);

    @Test
    void aRecordThatFitsKeepsItsBytesAndSaysWhereItCameFrom() {
        byte[] value = {0, 0, 0, 0, 7, 42};
        ProducerRecord<byte[], byte[]> written = serializer.serialize(
                new DivertedRecord(
                        Reason.UNDECODABLE,
                        "x".repeat(5_000),
                        new RecordOrigin("ride-requests", 2, 99, "k".getBytes(), value)),
                null,
                null);

        assertThat(written.value()).isEqualTo(value);
        assertThat(written.key()).isEqualTo("k".getBytes());
        assertThat(header(written, DivertedRecordSerializer.SOURCE_OFFSET)).isEqualTo("99");
        assertThat(header(written, DivertedRecordSerializer.DETAIL))
                .hasSize(1_003)
                .endsWith("...");
        assertThat(written.headers().lastHeader(DivertedRecordSerializer.TRUNCATED))
                .isNull();
    }

    @Test
    void aRecordLargerThanTheOutputsTakeIsWrittenAsABoundedCopyWithItsSizesAndDigests() throws Exception {
        byte[] key = new byte[3_000];
        byte[] value = new byte[5 * 1024 * 1024];
        new Random(3).nextBytes(key);
        new Random(4).nextBytes(value);
        ProducerRecord<byte[], byte[]> written = serializer.serialize(
                new DivertedRecord(Reason.UNDECODABLE, "too big", new RecordOrigin("ride-requests", 0, 5, key, value)),
                null,
                null);

        assertThat(written.key().length + written.value().length).isEqualTo(MAX);
        assertThat(written.key()).isEqualTo(Arrays.copyOf(key, 1024));
        assertThat(written.value()).isEqualTo(Arrays.copyOf(value, MAX - 1024));
        assertThat(header(written, DivertedRecordSerializer.TRUNCATED)).isEqualTo("true");
        assertThat(header(written, DivertedRecordSerializer.ORIGINAL_KEY_SIZE)).isEqualTo("3000");
        assertThat(header(written, DivertedRecordSerializer.ORIGINAL_VALUE_SIZE))
                .isEqualTo("5242880");
        assertThat(header(written, DivertedRecordSerializer.ORIGINAL_VALUE_SHA256))
                .isEqualTo(HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-256").digest(value)));
        assertThat(header(written, DivertedRecordSerializer.ORIGINAL_KEY_SHA256))
                .isEqualTo(HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-256").digest(key)));
    }

    private static String header(ProducerRecord<byte[], byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
