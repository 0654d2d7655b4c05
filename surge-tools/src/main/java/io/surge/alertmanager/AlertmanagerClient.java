package io.surge.alertmanager;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/** Posts alerts to Alertmanager's v2 API ({@code POST /api/v2/alerts}). */
public final class AlertmanagerClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final URI alerts;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    /** @param url Alertmanager's address, e.g. {@code http://localhost:9093} */
    public AlertmanagerClient(String url) {
        this.alerts = URI.create(url.replaceAll("/+$", "") + "/api/v2/alerts");
    }

    @Override
    public String toString() {
        return alerts.resolve("/").toString();
    }

    /**
     * @throws Unavailable when Alertmanager cannot be reached or does not take them (an outage, a wrong address,
     *     credentials a proxy wants): try again
     * @throws Refused when Alertmanager finds the alerts themselves malformed (400, 422): posting them again changes
     *     nothing
     */
    public void post(List<AlertmanagerAlert> batch) throws Unavailable, Refused, InterruptedException {
        String body;
        try {
            body = JSON.writeValueAsString(batch);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("alerts of plain strings always serialize", e);
        }
        HttpResponse<String> answer;
        try {
            answer = http.send(
                    HttpRequest.newBuilder(alerts)
                            .timeout(TIMEOUT)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new Unavailable(alerts + " cannot be reached: " + e);
        }
        int status = answer.statusCode();
        if (status / 100 == 2) {
            return;
        }
        String said = alerts + " answered HTTP " + status + ": " + answer.body().strip();
        if (status == 400 || status == 422) {
            throw new Refused(said);
        }
        // an outage, a wrong address or credentials, a proxy in the way: all for an operator to fix, none lost
        throw new Unavailable(said);
    }

    /** Alertmanager cannot take alerts right now. */
    public static final class Unavailable extends Exception {
        private static final long serialVersionUID = 1L;

        Unavailable(String message) {
            super(message);
        }
    }

    /** Alertmanager refused the alerts posted. */
    public static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }
}
