package io.surge.testing.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.surge.monitoring.FlinkRest;
import io.surge.monitoring.FlinkRestException;
import io.surge.time.Waiting;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * What a user does with a Flink cluster through its REST API: upload a jar, run it, watch, stop with a savepoint; on
 * surge's own {@link FlinkRest}.
 */
public final class FlinkJobs {

    /** A jar upload, a savepoint or a read from a cluster busy with both may take a while. */
    private static final Duration CHANGE_TIMEOUT = Duration.ofSeconds(60);

    private final String base;
    private final FlinkRest rest;
    private final ObjectMapper json = new ObjectMapper();

    public FlinkJobs(String base) {
        this.base = base;
        this.rest = new FlinkRest(base, CHANGE_TIMEOUT);
    }

    /** {@code POST /jars/upload}; returns the jar's id on the cluster. */
    public String uploadJar(Path jar) throws Exception {
        String boundary = "surge-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                        + jar.getFileName() + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        body.writeBytes(Files.readAllBytes(jar));
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        JsonNode uploaded = rest.send(
                rest.request("/jars/upload")
                        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())),
                CHANGE_TIMEOUT);
        return Path.of(uploaded.path("filename").asText()).getFileName().toString();
    }

    /**
     * {@code POST /jars/{id}/run}; returns the job id.
     *
     * @param savepoint the savepoint to resume from, or null
     */
    public String run(String jarId, int parallelism, List<String> arguments, String savepoint) throws Exception {
        ObjectNode request = json.createObjectNode().put("parallelism", parallelism);
        arguments.forEach(request.putArray("programArgsList")::add);
        if (savepoint != null) {
            request.put("savepointPath", savepoint);
        }
        return rest.send(post("/jars/" + jarId + "/run", request), CHANGE_TIMEOUT)
                .path("jobid")
                .asText();
    }

    /** The id of the one job there, once the REST API answers and all the job's subtasks run. */
    public String awaitRunningJob(Duration timeout) throws Exception {
        String[] job = new String[1];
        Waiting.until(
                () -> {
                    JsonNode jobs;
                    try {
                        jobs = get("/jobs/overview").path("jobs");
                    } catch (IOException | FlinkRestException notYetAnswering) {
                        return false; // not listening yet, or (behind surge's front) answering 502
                    }
                    job[0] = jobs.size() == 1 ? jobs.get(0).path("jid").asText() : null;
                    return job[0] != null && allRunning(job[0]);
                },
                timeout,
                "a job running at " + base);
        return job[0];
    }

    public String state(String jobId) throws Exception {
        return get("/jobs/" + jobId).path("state").asText();
    }

    /** How often the job has restarted after a failure. */
    public long restarts(String jobId) throws Exception {
        for (JsonNode metric : get("/jobs/" + jobId + "/metrics?get=numRestarts")) {
            return metric.path("value").asLong();
        }
        return 0;
    }

    /** The TaskManagers on which the job's subtasks run now. */
    public Set<String> taskManagersRunning(String jobId) throws Exception {
        Set<String> taskManagers = new TreeSet<>();
        for (JsonNode vertex : get("/jobs/" + jobId).path("vertices")) {
            for (JsonNode subtask : get("/jobs/" + jobId + "/vertices/"
                            + vertex.path("id").asText())
                    .path("subtasks")) {
                if ("RUNNING".equals(subtask.path("status").asText())) {
                    taskManagers.add(subtask.path("taskmanager-id").asText());
                }
            }
        }
        return taskManagers;
    }

    /** Whether every subtask of the job is running. */
    public boolean allRunning(String jobId) throws Exception {
        JsonNode tasks = get("/jobs/" + jobId).path("status-counts");
        int total = 0;
        for (JsonNode count : tasks) {
            total += count.asInt();
        }
        return total > 0 && tasks.path("RUNNING").asInt() == total;
    }

    /** The job's state, its subtasks' states, its restarts and its latest failures: for a message. */
    public String describe(String jobId) {
        try {
            StringBuilder description = new StringBuilder(state(jobId))
                    .append(", subtasks ")
                    .append(get("/jobs/" + jobId).path("status-counts"))
                    .append(", restarts ")
                    .append(restarts(jobId));
            for (JsonNode failure : get("/jobs/" + jobId + "/exceptions?maxExceptions=3")
                    .path("exceptionHistory")
                    .path("entries")) {
                description
                        .append("\nfailure: ")
                        .append(failure.path("exceptionName").asText())
                        .append(": ")
                        .append(failure.path("stacktrace")
                                .asText()
                                .lines()
                                .limit(3)
                                .toList());
            }
            return description.toString();
        } catch (Exception e) {
            return "(not known: " + e + ")";
        }
    }

    /** {@code POST /jobs/{id}/stop}: stops the job with a savepoint in {@code directory}; returns its path. */
    public String stopWithSavepoint(String jobId, String directory, Duration timeout) throws Exception {
        String trigger = rest.send(
                        post(
                                "/jobs/" + jobId + "/stop",
                                json.createObjectNode()
                                        .put("targetDirectory", directory)
                                        .put("drain", false)),
                        CHANGE_TIMEOUT)
                .path("request-id")
                .asText();
        String[] location = new String[1];
        Waiting.until(
                () -> {
                    JsonNode status = get("/jobs/" + jobId + "/savepoints/" + trigger);
                    if (!"COMPLETED".equals(status.path("status").path("id").asText())) {
                        return false;
                    }
                    JsonNode failure = status.path("operation").path("failure-cause");
                    if (!failure.isMissingNode() && !failure.isNull()) {
                        throw new AssertionError("stop with savepoint failed: " + failure);
                    }
                    location[0] = status.path("operation").path("location").asText();
                    return true;
                },
                timeout,
                "job " + jobId + " to stop with a savepoint");
        return location[0];
    }

    public void cancel(String jobId) throws Exception {
        rest.send(
                rest.request("/jobs/" + jobId + "?mode=cancel").method("PATCH", HttpRequest.BodyPublishers.noBody()),
                CHANGE_TIMEOUT);
    }

    private JsonNode get(String path) throws Exception {
        return rest.get(path);
    }

    private HttpRequest.Builder post(String path, JsonNode body) throws IOException {
        return rest.request(path)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)));
    }
}
