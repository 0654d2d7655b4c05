package io.surge.testing.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The monitoring files surge ships for docker-compose: Prometheus' config and alerting rules, Grafana's dashboard. */
public final class Monitoring {

    public static final Path PROMETHEUS_CONFIG = Path.of("deploy", "prometheus", "prometheus.yml");
    public static final Path ALERTING_RULES = Path.of("deploy", "prometheus", "alerts.yml");
    public static final Path DASHBOARD = Path.of("deploy", "grafana", "dashboards", "surge.json");
    private static final Pattern METRIC = Pattern.compile("\\bflink_[A-Za-z0-9_]+");

    private Monitoring() {}

    /** Every PromQL expression of the dashboard's panels. */
    public static List<String> dashboardQueries() throws IOException {
        List<String> queries = new ArrayList<>();
        for (JsonNode panel : new ObjectMapper().readTree(DASHBOARD.toFile()).path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                queries.add(target.path("expr").asText());
            }
        }
        return queries;
    }

    /** Every metric the dashboard and the alerting rules query. */
    public static Set<String> metricsQueried() throws IOException {
        Set<String> metrics = new TreeSet<>();
        List<String> texts = new ArrayList<>(dashboardQueries());
        texts.add(Files.readString(ALERTING_RULES));
        for (String text : texts) {
            Matcher matcher = METRIC.matcher(text);
            while (matcher.find()) {
                metrics.add(matcher.group());
            }
        }
        return metrics;
    }
}
