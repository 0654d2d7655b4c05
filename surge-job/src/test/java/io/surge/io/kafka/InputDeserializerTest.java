package io.surge.io.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.surge.avro.RideRequest;
import io.surge.config.SurgeConfig;
import io.surge.event.Ingested;
import io.surge.event.Reason;
import io.surge.ingest.InputValidation;
import io.surge.io.registry.RegistrySettings;
import io.surge.testing.Inputs;
import io.surge.testing.WireRecords;
import io.surge.zone.ZoneResolver;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Whatever decoding or validating one record throws, the source dead-letters that record and carries on; what the
 * operators after it throw is theirs, not the record's.
 */
class InputDeserializerTest {

    private HttpServer registry;

    @BeforeEach
    void startRegistry() throws Exception {
        // the registry's answer for every id: RideRequest, as Confluent's registry gives it
        registry = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        byte[] answer = ("{\"schema\": \""
                        + RideRequest.getClassSchema().toString().replace("\"", "\\\"") + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        registry.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        registry.start();
    }

    @AfterEach
    void stopRegistry() {
        registry.stop(0);
    }

    @Test
    void anErrorWhileTurningOneRecordIntoAnEventDivertsThatRecordOnly() {
        // a zone lookup that overflows its stack on one point, as a bug deep in a library would
        InputDeserializer deserializer = deserializer((lat, lon) -> {
            if (lat == 13.0) {
                throw new StackOverflowError();
            }
            return "zone_" + lat;
        });
        List<Ingested> out = new ArrayList<>();
        Collector<Ingested> collector = collector(out::add);

        deserializer.deserialize(record(1, Inputs.rideRequest("r1", 13.0, 1.0, 5_000)), collector);
        deserializer.deserialize(record(2, Inputs.rideRequest("r2", 14.0, 1.0, 5_000)), collector);

        assertThat(out).hasSize(2);
        assertThat(out.get(0).isAccepted()).isFalse();
        assertThat(out.get(0).diverted().reason()).isEqualTo(Reason.UNDECODABLE);
        assertThat(out.get(0).diverted().detail()).isEqualTo("decoding it failed: java.lang.StackOverflowError");
        assertThat(out.get(0).diverted().origin().offset()).isEqualTo(1);
        assertThat(out.get(1).isAccepted())
                .as("the next record is not held against")
                .isTrue();
        assertThat(out.get(1).event().zoneId()).isEqualTo("zone_14.0");
    }

    /** As when Flink cancels the task while a record is passed on: the record is fine, so it is not dead-lettered. */
    @Test
    void whatTheOperatorsAfterTheSourceThrowIsNotTakenForABadRecord() {
        InputDeserializer deserializer = deserializer((lat, lon) -> "zone_" + lat);
        List<Ingested> out = new ArrayList<>();
        IllegalStateException downstream = new IllegalStateException("Buffer pool has already been destroyed.");
        Collector<Ingested> collector = collector(ingested -> {
            out.add(ingested);
            throw downstream;
        });

        assertThatThrownBy(() ->
                        deserializer.deserialize(record(1, Inputs.rideRequest("r1", 13.0, 1.0, 5_000)), collector))
                .isSameAs(downstream);
        assertThat(out).as("what reached the operators").hasSize(1);
        assertThat(out.get(0).isAccepted()).as("the record itself").isTrue();
    }

    private InputDeserializer deserializer(ZoneResolver zones) {
        InputValidation validation = new InputValidation(zones, List.of(), Duration.ofHours(1), () -> 10_000_000L);
        InputDeserializer deserializer = new InputDeserializer(
                RegistrySettings.of("http://127.0.0.1:" + registry.getAddress().getPort()),
                SurgeConfig.defaults().topics(),
                validation);
        deserializer.open(null);
        return deserializer;
    }

    private static Collector<Ingested> collector(Consumer<Ingested> each) {
        return new Collector<>() {
            @Override
            public void collect(Ingested ingested) {
                each.accept(ingested);
            }

            @Override
            public void close() {}
        };
    }

    private static ConsumerRecord<byte[], byte[]> record(long offset, RideRequest ride) {
        return new ConsumerRecord<>(
                "ride-requests", 0, offset, null, WireRecords.encode(1, RideRequest.getClassSchema(), ride));
    }
}
