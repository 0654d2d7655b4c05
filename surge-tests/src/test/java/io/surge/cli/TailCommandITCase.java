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
import io.surge.testing.WireRecords;
import io.surge.testing.stack.KafkaClients;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;

/** surge tail decodes the output topics through the registry into lines a person reads, or JSON. */
class TailCommandITCase {

    private static final String ZONE = "zone_4071_-7401";
    private static final String EAST_NEIGHBOUR = "zone_4071_-7400";

    @Test
    void tailPrintsMultipliersAndDeadLettersReadably() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
                EmbeddedRegistry registry = EmbeddedRegistry.start(EmbeddedRegistry.DEFAULT_JAR, 0)) {
            TopicSetup.ensureTopics(SurgeConfig.fromOptions(Map.of("kafka.bootstrap", kafka.bootstrapServers()), "test")
                    .kafkaJob());
            SchemaRegistryClient registryClient = new SchemaRegistryClient(RegistrySettings.of(registry.url()));
            Schema previous = new Schema.Parser()
                    .parse(Path.of("schemas/history/SurgeMultiplier.v1.avsc").toFile());
            int previousId = registryClient.register("surge-multipliers-value", previous);
            int id = registryClient.register("surge-multipliers-value", SurgeMultiplier.getClassSchema());
            SurgeMultiplier surge = SurgeMultiplier.newBuilder()
                    .setZoneId(ZONE)
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
            // written by a build from before published prices: the neighbour's price in the same window
            GenericRecord older = new GenericData.Record(previous);
            older.put("zone_id", EAST_NEIGHBOUR);
            older.put("window_start", surge.getWindowStart().toEpochMilli());
            older.put("window_end", surge.getWindowEnd().toEpochMilli());
            older.put("demand", 2L);
            older.put("supply", 0L);
            older.put("multiplier", 5.0);
            older.put("computed_at", surge.getComputedAt().toEpochMilli());
            try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(kafka.bootstrapServers())) {
                // keyed by zone: the topic is compacted and refuses records without a key; one partition, so that
                // --limit 1 prints the first record written
                KafkaClients.send(
                        producer,
                        new ProducerRecord<>(
                                "surge-multipliers",
                                0,
                                surge.getZoneId().getBytes(StandardCharsets.UTF_8),
                                WireRecords.encode(id, SurgeMultiplier.getClassSchema(), surge)));
                KafkaClients.send(
                        producer,
                        new ProducerRecord<>(
                                "surge-multipliers",
                                0,
                                EAST_NEIGHBOUR.getBytes(StandardCharsets.UTF_8),
                                WireRecords.encode(previousId, previous, older)));
                KafkaClients.send(
                        producer,
                        new ProducerRecord<>(
                                "surge-dead-letters",
                                null,
                                null,
                                null,
                                "garbage".getBytes(StandardCharsets.UTF_8),
                                List.of(
                                        header(DivertedRecordSerializer.REASON, "undecodable"),
                                        header(DivertedRecordSerializer.DETAIL, "the value starts with byte 0x67"),
                                        header(DivertedRecordSerializer.SOURCE_TOPIC, "ride-requests"),
                                        header(DivertedRecordSerializer.SOURCE_PARTITION, "3"),
                                        header(DivertedRecordSerializer.SOURCE_OFFSET, "41"))));
            }
            String[] connect = {
                "--bootstrap", kafka.bootstrapServers(), "--registry", registry.url(), "--from-beginning"
            };

            CliRun multipliers = CliRun.of(concat("surge-multipliers", connect, "--limit", "1"));
            CliRun json = CliRun.of(concat("surge-multipliers", connect, "--json", "--limit", "1"));
            CliRun priced = CliRun.of(concat("surge-multipliers", connect, "--raw", "--limit", "2"));
            CliRun quality = CliRun.of(concat("surge-multipliers", connect, "--price-quality"));
            CliRun deadLetters = CliRun.of(concat("surge-dead-letters", connect, "--limit", "1"));

            assertThat(multipliers.out().strip())
                    .isEqualTo("2026-11-25T08:00:30Z  zone_4071_-7401        x3.00"
                            + "  demand 12  supply 4  window 2026-11-25T08:00:00Z .. 2026-11-25T08:00:30Z");
            assertThat(json.out()).contains("\"zone_id\": \"zone_4071_-7401\"").contains("\"multiplier\": 3.0");
            assertThat(priced.out().strip().lines())
                    .satisfiesExactly(
                            line -> assertThat(line)
                                    .endsWith(
                                            "window 2026-11-25T08:00:00Z .. 2026-11-25T08:00:30Z  raw x5.00"
                                                    + "  pooled 14.50 / 4.25  adjusted by evidence, smoothing  policy-0123abcd"),
                            line -> assertThat(line)
                                    .startsWith("2026-11-25T08:00:30Z  " + EAST_NEIGHBOUR)
                                    .endsWith("raw x5.00 (written before published prices)"));
            // raw: 5.0 and 5.0, both at 3x or more, the older on a demand of 2, which is also its pooled demand (an
            // older record has no pooling); published 3.0 and 5.0; one pair of neighbours, 0 and 2 apart
            assertThat(quality.out())
                    .contains(
                            "raw                   2        2                    1                        1 ",
                            "published             2        2                    1                        1 ",
                            "0.00 / 0.00\n",
                            "2.00 / 2.00\n",
                            "p99 gap between neighbours up from none");
            assertThat(deadLetters.out().strip())
                    .isEqualTo("undecodable     ride-requests/3@41           7 bytes  the value starts with byte 0x67");
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
