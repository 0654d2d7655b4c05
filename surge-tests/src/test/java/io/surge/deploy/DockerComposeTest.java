package io.surge.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.surge.SurgeJob;
import io.surge.cli.SurgeCli;
import io.surge.config.JobArguments;
import io.surge.config.SurgeConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * docker-compose.yml cannot run here (no Docker engine), so it is checked against the code: the images are the
 * official ones at the versions surge is built with, and every command, flag, option, file and port it uses exists.
 */
class DockerComposeTest {

    private static final Path COMPOSE = Path.of("docker-compose.yml");

    @Test
    void composeAcceptsTheFile() throws Exception {
        assertThat(onPath("docker-compose"))
                .as("Debian's docker-compose, which .ci/run installs")
                .isTrue();
        Process check = new ProcessBuilder("docker-compose", "-f", COMPOSE.toString(), "config", "-q")
                .redirectErrorStream(true)
                .start();
        String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(check.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(check.exitValue()).as(output).isZero();
    }

    @Test
    void imagesAreOfficialAndMatchTheVersionsSurgeIsBuiltWith() throws IOException {
        Map<String, Map<String, Object>> services = services();

        assertThat(image(services, "kafka")).isEqualTo("apache/kafka:" + AppInfoParser.getVersion());
        assertThat(image(services, "schema-registry")).startsWith("confluentinc/cp-schema-registry:");
        for (String flink : List.of("jobmanager", "taskmanager", "generator")) {
            assertThat(image(services, flink)).isEqualTo("flink:" + EnvironmentInformation.getVersion() + "-java17");
        }
        assertThat(image(services, "prometheus")).startsWith("prom/prometheus:v");
        assertThat(image(services, "grafana")).startsWith("grafana/grafana:");
        assertThat(image(services, "alertmanager")).startsWith("prom/alertmanager:v");
    }

    @Test
    void theJobCommandUsesSurgesMainClassFlagsAndOptions() throws IOException {
        List<String> command = DeployFiles.words(services().get("jobmanager").get("command"));

        assertThat(command).containsSubsequence("standalone-job", "--job-classname", SurgeJob.class.getName());
        List<String> jobArgs = command.subList(command.indexOf(SurgeJob.class.getName()) + 1, command.size());
        // what the job's main class parses them with: an unknown flag or option fails here
        SurgeConfig config = JobArguments.load(jobArgs.toArray(String[]::new), Map.of());
        assertThat(config.rules().dir()).isEqualTo(Path.of("/opt/surge/alerts"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"generator", "alert-forwarder"})
    void theToolsRunTheSurgeCommandWithFlagsItKnows(String service) throws IOException {
        Map<String, Object> tool = services().get(service);
        List<String> entrypoint = DeployFiles.words(tool.get("entrypoint"));
        List<String> command = DeployFiles.words(tool.get("command"));

        assertThat(entrypoint).endsWith(SurgeCli.class.getName());
        // the command line is in surge-cli.jar, not in the lean job jar
        String jar = entrypoint.get(entrypoint.indexOf("-cp") + 1).split(":")[0];
        assertThat(DeployFiles.words(tool.get("volumes")))
                .contains("./surge-tools/target/surge-cli.jar:" + jar + ":ro");
        CommandLine subcommand =
                new CommandLine(new SurgeCli()).getSubcommands().get(command.get(0));
        assertThat(subcommand).as("surge " + command.get(0)).isNotNull();
        List<String> flags = command.subList(1, command.size());
        while (!flags.isEmpty() && subcommand.getSubcommands().containsKey(flags.get(0))) {
            subcommand = subcommand.getSubcommands().get(flags.get(0));
            flags = flags.subList(1, flags.size());
        }
        DeployFiles.assertFlagsExist(subcommand, flags);
    }

    @Test
    void mountedFilesAreWhatTheBuildProducesAndHostPortsAreLoopbackAndDoNotCollide() throws IOException {
        Set<String> hostPorts = new HashSet<>();
        for (Map.Entry<String, Map<String, Object>> service : services().entrySet()) {
            for (String volume : DeployFiles.words(service.getValue().getOrDefault("volumes", List.of()))) {
                String source = volume.split(":")[0];
                if (source.startsWith("./")) {
                    assertThat(source)
                            .as("a file of the repository or the build")
                            .isIn(
                                    "./surge-job/target/surge-job.jar",
                                    "./surge-tools/target/surge-cli.jar",
                                    "./alerts",
                                    "./deploy/prometheus/prometheus.yml",
                                    "./deploy/prometheus/alerts.yml",
                                    "./deploy/alertmanager/alertmanager.yml",
                                    "./deploy/grafana/provisioning",
                                    "./deploy/grafana/dashboards");
                    // the modules' jars are packaged before these tests run
                    assertThat(Path.of(source)).as("mounted " + source).exists();
                }
            }
            for (String port : DeployFiles.words(service.getValue().getOrDefault("ports", List.of()))) {
                assertThat(port).as("published on this machine only").startsWith("127.0.0.1:");
                assertThat(hostPorts.add(port.split(":")[1]))
                        .as("host port " + port + " used once")
                        .isTrue();
            }
        }
        assertThat(Files.isDirectory(Path.of("alerts"))).isTrue();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> services() throws IOException {
        return (Map<String, Map<String, Object>>) DeployFiles.yaml(COMPOSE).get("services");
    }

    private static String image(Map<String, Map<String, Object>> services, String service) {
        return (String) services.get(service).get("image");
    }

    private static boolean onPath(String program) {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
    }
}
