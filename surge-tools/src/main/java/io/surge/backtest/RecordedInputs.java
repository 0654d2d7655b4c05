package io.surge.backtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.surge.event.Ingested;
import io.surge.event.Reason;
import io.surge.event.RecordOrigin;
import io.surge.ingest.Input;
import io.surge.ingest.InputValidation;
import io.surge.io.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Recorded inputs as JSON lines, for backtests and hand-written scenarios: one record per line,
 * {@code {"type": "ride_request", "request_id": ..., "user_id": ..., "lat": ..., "lon": ..., "event_time": ...}} or
 * {@code {"type": "driver_status", "driver_id": ..., "lat": ..., "lon": ..., "available": ..., "event_time": ...}},
 * with {@code event_time} as an ISO-8601 instant or epoch milliseconds. A line that does not parse is dead-lettered
 * like an undecodable Kafka record; its origin is the file and its line number.
 */
public final class RecordedInputs {

    private static final ObjectMapper JSON = new ObjectMapper();

    private RecordedInputs() {}

    public static List<Ingested> read(Path file, Topics topics, InputValidation validation) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read recorded inputs " + file, e);
        }
        List<Ingested> ingested = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            ingested.add(ingest(line, i + 1, file, topics, validation));
        }
        return ingested;
    }

    private static Ingested ingest(String line, int number, Path file, Topics topics, InputValidation validation) {
        RecordOrigin origin = new RecordOrigin(file.toString(), 0, number, null, line.getBytes(StandardCharsets.UTF_8));
        try {
            JsonNode record = JSON.readTree(line);
            String type = record.path("type").asText();
            Optional<Input> input = Input.ofRecordedName(type);
            if (input.isEmpty()) {
                return Ingested.diverted(
                        Reason.UNDECODABLE,
                        "line " + number + ": 'type' is '" + type + "', not "
                                + Arrays.stream(Input.values())
                                        .map(Input::recordedName)
                                        .collect(Collectors.joining(" or ")),
                        origin);
            }
            return input.get()
                    .validate(
                            validation,
                            fromJson(record, input.get().schema()),
                            withTopic(origin, topics.input(input.get())));
        } catch (IOException | IllegalArgumentException | java.time.DateTimeException e) {
            return Ingested.diverted(Reason.UNDECODABLE, "line " + number + ": " + e.getMessage(), origin);
        }
    }

    /** The input record a JSON line describes, field by field of the input's schema. */
    private static SpecificRecord fromJson(JsonNode json, Schema schema) {
        SpecificRecord record = (SpecificRecord) SpecificData.get().newRecord(null, schema);
        for (Schema.Field field : schema.getFields()) {
            if (!json.has(field.name()) && field.hasDefaultValue()) {
                record.put(field.pos(), SpecificData.get().getDefaultValue(field));
                continue;
            }
            record.put(
                    field.pos(),
                    switch (field.schema().getType()) {
                        case STRING -> text(json, field.name());
                        case DOUBLE -> number(json, field.name());
                        case BOOLEAN -> bool(json, field.name());
                        case LONG -> time(json, field.name());
                        default ->
                            throw new IllegalArgumentException(
                                    "'" + field.name() + "' has a type recorded inputs do" + " not take");
                    });
        }
        return record;
    }

    private static RecordOrigin withTopic(RecordOrigin origin, String topic) {
        return new RecordOrigin(topic, origin.partition(), origin.offset(), origin.key(), origin.value());
    }

    private static String text(JsonNode record, String field) {
        JsonNode value = record.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("'" + field + "' is missing or not text");
        }
        return value.asText();
    }

    private static double number(JsonNode record, String field) {
        JsonNode value = record.get(field);
        if (value == null || !value.isNumber()) {
            throw new IllegalArgumentException("'" + field + "' is missing or not a number");
        }
        return value.asDouble();
    }

    private static boolean bool(JsonNode record, String field) {
        JsonNode value = record.get(field);
        if (value == null || !value.isBoolean()) {
            throw new IllegalArgumentException("'" + field + "' is missing or not true or false");
        }
        return value.asBoolean();
    }

    /** A timestamp, the one kind of long the inputs have: an ISO-8601 instant or epoch milliseconds. */
    private static Instant time(JsonNode record, String field) {
        JsonNode value = record.get(field);
        if (value == null) {
            throw new IllegalArgumentException("'" + field + "' is missing");
        }
        return value.isNumber() ? Instant.ofEpochMilli(value.asLong()) : Instant.parse(value.asText());
    }
}
