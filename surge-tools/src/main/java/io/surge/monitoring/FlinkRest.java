package io.surge.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Flink's REST API, as surge's commands read it (jobs, checkpoints, watermarks, metrics, TaskManagers) and as tools
 * drive a cluster through it. Nothing answering is an {@link IOException}; an answer that is not Flink's is a
 * {@link FlinkRestException}.
 */
public final class FlinkRest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String url;
    private final Duration readTimeout;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** @param url Flink's web UI address, such as {@code --flink} gives it */
    public FlinkRest(String url) {
        this(url, Duration.ofSeconds(10));
    }

    /** @param readTimeout how long a read waits for its answer */
    public FlinkRest(String url, Duration readTimeout) {
        this.url = url.replaceAll("/+$", "");
        this.readTimeout = readTimeout;
    }

    /** The newest job of that name, in any state. */
    public Optional<JsonNode> newestJob(String name) throws IOException, InterruptedException {
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

    /** The job's latest completed checkpoint; empty before the first. */
    public Optional<JsonNode> latestCheckpoint(String jobId) throws IOException, InterruptedException {
        JsonNode completed =
                get("/jobs/" + jobId + "/checkpoints").path("latest").path("completed");
        return completed.isMissingNode() || completed.isNull() ? Optional.empty() : Optional.of(completed);
    }

    /** The lowest watermark among the subtasks of the job's vertices whose name starts so; empty before the first. */
    public OptionalLong watermark(String jobId, String vertexNamePrefix) throws IOException, InterruptedException {
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
    public OptionalLong metric(String jobId, String vertexNamePrefix, String name, String agg)
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

    /** The ids of the TaskManagers registered with the cluster. */
    public List<String> taskManagers() throws IOException, InterruptedException {
        List<String> ids = new ArrayList<>();
        for (JsonNode taskManager : get("/taskmanagers").path("taskmanagers")) {
            ids.add(taskManager.path("id").asText());
        }
        return ids;
    }

    public JsonNode get(String path) throws IOException, InterruptedException {
        return send(request(path).GET(), readTimeout);
    }

    /** A request to {@code path} of the API, for {@link #send}. */
    public HttpRequest.Builder request(String path) {
        try {
            return HttpRequest.newBuilder(URI.create(url + path));
        } catch (IllegalArgumentException e) {
            throw new FlinkRestException(url + " is not a URL (" + e.getMessage() + "); check --flink");
        }
    }

    /** What an error answer says, on one line and briefly: it may be any server's HTML page. */
    private static String firstLine(String body) {
        String line = body.strip().lines().findFirst().orElse("");
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }

    /** Sends the request; an answer other than 2xx, or one that is not JSON, is a {@link FlinkRestException}. */
    public JsonNode send(HttpRequest.Builder request, Duration timeout) throws IOException, InterruptedException {
        HttpResponse<String> answer = http.send(request.timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() / 100 != 2) {
            URI asked = answer.request().uri();
            throw new FlinkRestException("Flink's REST API at " + url + " answered " + answer.statusCode() + " to "
                    + answer.request().method() + " " + asked.getRawPath()
                    + (asked.getRawQuery() == null ? "" : "?" + asked.getRawQuery()) + " (" + firstLine(answer.body())
                    + "); check --flink");
        }
        try {
            return answer.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(answer.body());
        } catch (IOException e) {
            throw new FlinkRestException(
                    url + " does not answer like Flink's REST API (" + e.getMessage() + "); check --flink");
        }
    }
}
