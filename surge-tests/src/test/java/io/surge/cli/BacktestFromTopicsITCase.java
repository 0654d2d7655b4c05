package io.surge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.surge.avro.DriverStatus;
import io.surge.avro.RideRequest;
import io.surge.config.SurgeConfig;
import io.surge.embedded.EmbeddedKafka;
import io.surge.embedded.EmbeddedRegistry;
import io.surge.io.kafka.TopicSetup;
import io.surge.io.registry.RegistrySettings;
import io.surge.io.registry.SchemaRegistryClient;
import io.surge.testing.Inputs;
import io.surge.testing.WireRecords;
import io.surge.testing.stack.KafkaClients;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** A backtest reads recorded traffic from input topics as well as from a file, with the same alerts. */
class BacktestFromTopicsITCase {

    private static final Path RECORDING = Path.of("examples/backtest/city-incidents.jsonl");

    @Test
    void replayingTheTopicsGivesTheSameAlertsAsReplayingTheFile() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
                EmbeddedRegistry registry = EmbeddedRegistry.start(EmbeddedRegistry.DEFAULT_JAR, 0)) {
            SchemaRegistryClient client = new SchemaRegistryClient(RegistrySettings.of(registry.url()));
            int rideId = client.register("recorded-rides-value", RideRequest.getClassSchema());
            int driverId = client.register("recorded-drivers-value", DriverStatus.getClassSchema());
            String[] flags = {
                "--bootstrap",
                kafka.bootstrapServers(),
                "--registry",
                registry.url(),
                "--set",
                "topics.ride-requests=recorded-rides",
                "--set",
                "topics.driver-status=recorded-drivers"
            };
            TopicSetup.ensureTopics(SurgeConfig.fromOptions(
                            Map.of(
                                    "kafka.bootstrap",
                                    kafka.bootstrapServers(),
                                    "topics.ride-requests",
                                    "recorded-rides",
                                    "topics.driver-status",
                                    "recorded-drivers"),
                            "test")
                    .kafkaJob());

            ObjectMapper json = new ObjectMapper();
            try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(kafka.bootstrapServers())) {
                for (String line : Files.readAllLines(RECORDING)) {
                    JsonNode record = json.readTree(line);
                    long time = record.has("event_time")
                            ? Instant.parse(record.get("event_time").asText()).toEpochMilli()
                            : 0;
                    byte[] value;
                    String topic;
                    if (record.has("driver_id")) {
                        topic = "recorded-drivers";
                        value = WireRecords.encode(
                                driverId,
                                DriverStatus.getClassSchema(),
                                Inputs.driverStatus(
                                        record.get("driver_id").asText(),
                                        record.get("lat").asDouble(),
                                        record.get("lon").asDouble(),
                                        record.get("available").asBoolean(),
                                        time));
                    } else if (record.has("lat")) {
                        topic = "recorded-rides";
                        RideRequest ride = Inputs.rideRequest(
                                record.get("request_id").asText(),
                                record.get("lat").asDouble(),
                                record.get("lon").asDouble(),
                                time);
                        ride.setUserId(record.get("user_id").asText());
                        value = WireRecords.encode(rideId, RideRequest.getClassSchema(), ride);
                    } else {
                        topic = "recorded-rides"; // the recording's broken line, as bytes nobody can decode
                        value = line.getBytes(StandardCharsets.UTF_8);
                    }
                    producer.send(new ProducerRecord<>(topic, value));
                }
            }

            CliRun fromFile =
                    CliRun.of(concat(new String[] {"rules", "backtest", "--input", RECORDING.toString()}, flags));
            CliRun fromTopics = CliRun.of(
                    concat(new String[] {"rules", "backtest", "--input", "recorded-rides,recorded-drivers"}, flags));

            assertThat(fromTopics.exitCode()).as(fromTopics.err()).isZero();
            assertThat(fromTopics.out())
                    .contains("427 records replayed (1 rejected), 3 episodes")
                    .isEqualTo(fromFile.out());
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
