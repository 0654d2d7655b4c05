package io.surge.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.surge.testing.stack.Monitoring;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Prometheus, Alertmanager and Grafana files of docker-compose, checked without Docker: Prometheus' and
 * Alertmanager's own checkers on their configs and alerting rules (Debian's promtool and amtool, which .ci/run
 * installs), and the dashboard's
 * structure against the data source Grafana is given. The metrics they query are checked against a running surge in
 * DemoITCase.
 */
class MonitoringFilesTest {

    private static final Path PROMTOOL = Path.of("/usr/bin/promtool");
    private static final Path AMTOOL = Path.of("/usr/bin/amtool");

    @Test
    void promtoolAcceptsTheConfigurationAndTheAlertingRules() throws Exception {
        assertThat(PROMTOOL)
                .as("Debian's prometheus package, which .ci/run installs")
                .isExecutable();

        assertThat(promtool("check", "config", Monitoring.PROMETHEUS_CONFIG.toString()))
                .contains("SUCCESS");
        assertThat(promtool("check", "rules", Monitoring.ALERTING_RULES.toString()))
                .contains("SUCCESS: 5 rules found");
    }

    @Test
    void amtoolAcceptsTheAlertmanagerConfiguration() throws Exception {
        assertThat(AMTOOL)
                .as("Debian's prometheus-alertmanager package, which .ci/run installs")
                .isExecutable();

        assertThat(run(AMTOOL.toString(), "check-config", "deploy/alertmanager/alertmanager.yml"))
                .contains("SUCCESS")
                .contains("1 inhibit rules")
                .contains("2 receivers");
    }

    @Test
    void everyPanelQueriesTheProvisionedDataSource() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(Monitoring.DASHBOARD.toFile());
        Map<String, Object> datasources =
                DeployFiles.yaml(Path.of("deploy", "grafana", "provisioning", "datasources", "prometheus.yml"));
        @SuppressWarnings("unchecked")
        String uid = (String) ((List<Map<String, Object>>) datasources.get("datasources"))
                .get(0)
                .get("uid");

        assertThat(dashboard.path("uid").asText()).isEqualTo("surge");
        assertThat(dashboard.path("panels")).hasSizeGreaterThanOrEqualTo(12);
        for (JsonNode panel : dashboard.path("panels")) {
            assertThat(panel.path("datasource").path("uid").asText())
                    .as(panel.path("title").asText())
                    .isEqualTo(uid);
            assertThat(panel.path("targets")).as(panel.path("title").asText()).isNotEmpty();
            for (JsonNode target : panel.path("targets")) {
                assertThat(target.path("expr").asText())
                        .as(panel.path("title").asText())
                        .contains("flink_");
            }
        }
        assertThat(Monitoring.metricsQueried())
                .contains(
                        "flink_taskmanager_job_task_operator_surge_reason_deadLettered",
                        "flink_taskmanager_job_task_operator_surge_commitLatency",
                        "flink_jobmanager_job_lastCheckpointDuration",
                        "flink_jobmanager_job_numRestarts");
    }

    private static String promtool(String... arguments) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(PROMTOOL.toString()));
        command.addAll(List.of(arguments));
        return run(command.toArray(String[]::new));
    }

    private static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }
}
