package io.surge.io.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.surge.avro.RideRequest;
import io.surge.config.SurgeConfig;
import io.surge.event.Ingested;
import io.surge.event.Reason;
import io.surge.ingest.InputValidation;
import io.surge.io.registry.RegistrySettings;
import io.surge.testing.Inputs;
import io.surge.testing.WireRecords;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** Whatever decoding or validating one record throws, the source dead-letters that record and carries on. */
class InputDeserializerTest {

    @Test
    void anErrorWhileTurningOneRecordIntoAnEventDivertsThatRecordOnly() throws Exception {
        // the registry's answer for every id: RideRequest, as Confluent's registry gives it
        HttpServer registry = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        byte[] answer = ("{\"schema\": \"" + RideRequest.getClassSchema().toString().replace("\"", "\\\"") + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        registry.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        registry.start();
        try {
            // a zone lookup that overflows its stack on one point, as a bug deep in a library would
            InputValidation validation = new InputValidation((lat, lon) -> {
                if (lat == 13.0) {
                    throw new StackOverflowError();
                }
                return "zone_" + lat;
            }, Duration.ofHours(1), () -> 10_000_000L);
            InputDeserializer deserializer = new InputDeserializer(RegistrySettings.of(
                    "http://127.0.0.1:" + registry.getAddress().getPort()), SurgeConfig.defaults().topics(),
                    validation);
            deserializer.open(null);
            List<Ingested> out = new ArrayList<>();
            Collector<Ingested> collector = new Collector<>() {
                @Override
                public void collect(Ingested ingested) {
                    out.add(ingested);
                }

                @Override
                public void close() {}
            };

            deserializer.deserialize(record(1, Inputs.rideRequest("r1", 13.0, 1.0, 5_000)), collector);
            deserializer.deserialize(record(2, Inputs.rideRequest("r2", 14.0, 1.0, 5_000)), collector);

            assertThat(out).hasSize(2);
            assertThat(out.get(0).isAccepted()).isFalse();
            assertThat(out.get(0).diverted().reason()).isEqualTo(Reason.UNDECODABLE);
            assertThat(out.get(0).diverted().detail()).isEqualTo("decoding it failed: java.lang.StackOverflowError");
            assertThat(out.get(0).diverted().origin().offset()).isEqualTo(1);
            assertThat(out.get(1).isAccepted()).as("the next record is not held against").isTrue();
            assertThat(out.get(1).event().zoneId()).isEqualTo("zone_14.0");
        } finally {
            registry.stop(0);
        }
    }

    private static ConsumerRecord<byte[], byte[]> record(long offset, RideRequest ride) {
        return new ConsumerRecord<>("ride-requests", 0, offset, null,
                WireRecords.encode(1, RideRequest.getClassSchema(), ride));
    }
}
