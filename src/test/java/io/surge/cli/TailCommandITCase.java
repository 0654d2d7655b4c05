package io.surge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.surge.avro.SurgeMultiplier;
import io.surge.config.SurgeConfig;
import io.surge.embedded.EmbeddedKafka;
import io.surge.embedded.EmbeddedRegistry;
import io.surge.io.kafka.DivertedRecordSerializer;
import io.surge.io.kafka.TopicSetup;
import io.surge.io.registry.RegistrySettings;
import io.surge.io.registry.SchemaRegistryClient;
import io.surge.testing.KafkaClients;
import io.surge.testing.WireRecords;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;

/** surge tail decodes the output topics through the registry into lines a person reads, or JSON. */
class TailCommandITCase {

    @Test
    void tailPrintsMultipliersAndDeadLettersReadably() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
                EmbeddedRegistry registry = EmbeddedRegistry.start(EmbeddedRegistry.DEFAULT_JAR, 0)) {
            TopicSetup.ensureTopics(SurgeConfig.fromOptions(Map.of("kafka.bootstrap", kafka.bootstrapServers()),
                    "test"));
            int id = new SchemaRegistryClient(RegistrySettings.of(registry.url()))
                    .register("surge-multipliers-value", SurgeMultiplier.getClassSchema());
            SurgeMultiplier surge = SurgeMultiplier.newBuilder()
                    .setZoneId("zone_4071_-7401")
                    .setWindowStart(Instant.parse("2026-11-25T08:00:00Z"))
                    .setWindowEnd(Instant.parse("2026-11-25T08:00:30Z"))
                    .setDemand(12)
                    .setSupply(4)
                    .setMultiplier(3.0)
                    .setComputedAt(Instant.parse("2026-11-25T08:00:36Z"))
                    .setRawMultiplier(5.0)
                    .setPooledDemand(14.5)
                    .setPooledSupply(4.25)
                    .setAdjustments(List.of("evidence", "smoothing"))
                    .setPolicyVersion("policy-0123abcd")
                    .build();
            try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(kafka.bootstrapServers())) {
                // keyed by zone: the topic is compacted and refuses records without a key
                KafkaClients.send(producer, new ProducerRecord<>("surge-multipliers",
                        surge.getZoneId().getBytes(StandardCharsets.UTF_8),
                        WireRecords.encode(id, SurgeMultiplier.getClassSchema(), surge)));
                KafkaClients.send(producer, new ProducerRecord<>("surge-dead-letters", null, null, null,
                        "garbage".getBytes(StandardCharsets.UTF_8), List.of(
                                header(DivertedRecordSerializer.REASON, "undecodable"),
                                header(DivertedRecordSerializer.DETAIL, "the value starts with byte 0x67"),
                                header(DivertedRecordSerializer.SOURCE_TOPIC, "ride-requests"),
                                header(DivertedRecordSerializer.SOURCE_PARTITION, "3"),
                                header(DivertedRecordSerializer.SOURCE_OFFSET, "41"))));
            }
            String[] connect = {"--bootstrap", kafka.bootstrapServers(), "--registry", registry.url(),
                "--from-beginning", "--limit", "1"};

            CliRun multipliers = CliRun.of(concat("surge-multipliers", connect));
            CliRun json = CliRun.of(concat("surge-multipliers", connect, "--json"));
            CliRun priced = CliRun.of(concat("surge-multipliers", connect, "--raw"));
            CliRun deadLetters = CliRun.of(concat("surge-dead-letters", connect));

            assertThat(multipliers.out().strip()).isEqualTo("2026-11-25T08:00:30Z  zone_4071_-7401        x3.00"
                    + "  demand 12  supply 4  window 2026-11-25T08:00:00Z .. 2026-11-25T08:00:30Z");
            assertThat(json.out()).contains("\"zone_id\": \"zone_4071_-7401\"").contains("\"multiplier\": 3.0");
            assertThat(priced.out().strip()).endsWith("window 2026-11-25T08:00:00Z .. 2026-11-25T08:00:30Z  raw x5.00"
                    + "  pooled 14.50 / 4.25  adjusted by evidence, smoothing  policy-0123abcd");
            assertThat(deadLetters.out().strip()).isEqualTo(
                    "undecodable     ride-requests/3@41           7 bytes  the value starts with byte 0x67");
        }
    }

    private static RecordHeader header(String name, String value) {
        return new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8));
    }

    private static String[] concat(String topic, String[] connect, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("tail", topic));
        args.addAll(List.of(connect));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }
}
