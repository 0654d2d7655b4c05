package io.surge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/** The parts of Flink's REST API that surge's commands read; an unreachable Flink is an {@link IOException}. */
final class FlinkRest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final String url;

    /** @param url Flink's web UI address, as given with {@code --flink} */
    FlinkRest(String url) {
        this.url = url;
    }

    /** The newest job of that name, in any state. */
    Optional<JsonNode> newestJob(String name) throws IOException, InterruptedException {
        JsonNode newest = null;
        for (JsonNode candidate : get("/jobs/overview").path("jobs")) {
            if (candidate.path("name").asText().equals(name)
                    && (newest == null
                            || candidate.path("start-time").asLong()
                                    > newest.path("start-time").asLong())) {
                newest = candidate;
            }
        }
        return Optional.ofNullable(newest);
    }

    /** The lowest watermark among the subtasks of the job's vertices whose name starts so; empty before the first. */
    OptionalLong watermark(String jobId, String vertexNamePrefix) throws IOException, InterruptedException {
        long watermark = Long.MAX_VALUE;
        for (JsonNode vertex : get("/jobs/" + jobId).path("vertices")) {
            if (vertex.path("name").asText().startsWith(vertexNamePrefix)) {
                for (JsonNode subtask :
                        get("/jobs/" + jobId + "/vertices/" + vertex.path("id").asText() + "/watermarks")) {
                    watermark = Math.min(watermark, subtask.path("value").asLong());
                }
            }
        }
        return watermark == Long.MAX_VALUE || watermark < 0 ? OptionalLong.empty() : OptionalLong.of(watermark);
    }

    /**
     * A metric of the job's vertices whose name starts so, over their subtasks: the metric whose id ends with
     * {@code name} (e.g. {@code surge.ruleSetVersion}), aggregated with {@code agg} ({@code min}, {@code max},
     * {@code sum}) over each vertex's subtasks, and with the same over the vertices; empty when none reports it.
     */
    OptionalLong metric(String jobId, String vertexNamePrefix, String name, String agg)
            throws IOException, InterruptedException {
        OptionalLong result = OptionalLong.empty();
        for (JsonNode vertex : get("/jobs/" + jobId).path("vertices")) {
            if (!vertex.path("name").asText().startsWith(vertexNamePrefix)) {
                continue;
            }
            String metrics = "/jobs/" + jobId + "/vertices/" + vertex.path("id").asText() + "/subtasks/metrics";
            for (JsonNode available : get(metrics)) {
                String id = available.path("id").asText();
                if (!id.endsWith("." + name)) {
                    continue;
                }
                for (JsonNode value : get(metrics + "?get=" + id + "&agg=" + agg)) {
                    long reported = (long) value.path(agg).asDouble();
                    result = OptionalLong.of(
                            result.isEmpty()
                                    ? reported
                                    : switch (agg) {
                                        case "min" -> Math.min(result.getAsLong(), reported);
                                        case "max" -> Math.max(result.getAsLong(), reported);
                                        default -> result.getAsLong() + reported;
                                    });
                }
            }
        }
        return result;
    }

    JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> answer;
        try {
            answer = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(url.replaceAll("/+$", "") + path))
                                    .timeout(Duration.ofSeconds(10))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
        } catch (IllegalArgumentException e) {
            throw new FlagException("--flink " + url + " is not a URL (" + e.getMessage() + ")");
        }
        if (answer.statusCode() != 200) {
            throw new FlagException("Flink's REST API at " + url + " answered " + answer.statusCode() + " to " + path
                    + "; check --flink");
        }
        try {
            return JSON.readTree(answer.body());
        } catch (IOException e) {
            throw new FlagException(
                    url + " does not answer like Flink's REST API (" + e.getMessage() + "); check --flink");
        }
    }
}
