package io.surge.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.surge.avro.RideRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * What producers of other teams do to the registry and the topics that surge shares with them: schemas of any type,
 * and RideRequests of compatible evolutions surge never expected.
 */
public final class OtherTeams {

    private static final Path CORPUS = Path.of("surge-job/src/test/resources/bad-inputs");

    /** A compatible evolution of RideRequest with an earlier request of the same type inside: any depth is valid. */
    public static final Schema RECURSIVE_RIDE = schema("ride-recursive.avsc");
    /** A compatible evolution of RideRequest with an array of nulls: its items take no bytes at all. */
    public static final Schema RIDE_WITH_NOTHINGS = schema("ride-with-nothings.avsc");

    private OtherTeams() {}

    /**
     * Registers a schema of any type (AVRO, JSON, PROTOBUF) as another team's serializer would, through Confluent's
     * REST API, and returns its id.
     */
    public static int register(String registry, String subject, String type, String schema) throws Exception {
        String body = "{\"schemaType\": \"" + type + "\", \"schema\": \""
                + schema.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"}";
        HttpResponse<String> answer = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(registry + "/subjects/" + subject + "/versions"))
                                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode())
                .as("registering a " + type + " schema: " + answer.body())
                .isEqualTo(200);
        return Integer.parseInt(answer.body().replaceAll("(?s).*\"id\"\\s*:\\s*(\\d+).*", "$1"));
    }

    /** The wire format: magic byte 0, the schema id, the body. */
    public static byte[] framed(int schemaId, byte[] body) {
        return ByteBuffer.allocate(5 + body.length)
                .put((byte) 0)
                .putInt(schemaId)
                .put(body)
                .array();
    }

    /** A body of {@link #RECURSIVE_RIDE}: the ride with {@code depth} - 1 copies of itself nested inside. */
    public static byte[] nestedRide(RideRequest ride, int depth) {
        return body(encoder -> {
            for (int level = 1; level <= depth; level++) {
                rideFields(encoder, ride);
                encoder.writeIndex(level < depth ? 1 : 0); // previous: another ride, or null
            }
        });
    }

    /** A body of {@link #RIDE_WITH_NOTHINGS} whose array claims two billion nulls. */
    public static byte[] twoBillionNothings(RideRequest ride) {
        return body(encoder -> {
            rideFields(encoder, ride);
            encoder.writeLong(2_000_000_000L);
            encoder.writeLong(0);
        });
    }

    private interface Writes {
        void to(BinaryEncoder encoder) throws IOException;
    }

    private static byte[] body(Writes writes) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            writes.to(encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void rideFields(BinaryEncoder encoder, RideRequest ride) throws IOException {
        encoder.writeString(ride.getRequestId());
        encoder.writeString(ride.getUserId());
        encoder.writeDouble(ride.getLat());
        encoder.writeDouble(ride.getLon());
        encoder.writeLong(ride.getEventTime().toEpochMilli());
    }

    private static Schema schema(String file) {
        try {
            return new Schema.Parser().parse(Files.readString(CORPUS.resolve(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
