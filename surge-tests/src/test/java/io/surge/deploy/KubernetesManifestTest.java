package io.surge.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.surge.SurgeJob;
import io.surge.config.Checkpointing;
import io.surge.config.JobArguments;
import io.surge.config.SurgeConfig;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.HighAvailabilityOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.junit.jupiter.api.Test;

/**
 * deploy/kubernetes cannot run here (no Kubernetes), so what it names is checked against the code and the build: the
 * image is the official Flink one at surge's Flink version, the jar and rules are where the job is told to find them,
 * the main class and its flags exist, and every Flink setting is a real Flink option.
 */
class KubernetesManifestTest {

    private static final Path DIRECTORY = Path.of("deploy", "kubernetes");
    private static final String FLINK = EnvironmentInformation.getVersion();

    @Test
    void theImageIsTheOfficialFlinkImageWithTheJobJarAndTheRules() throws IOException {
        List<String> dockerfile = Files.readAllLines(DIRECTORY.resolve("Dockerfile"));

        assertThat(dockerfile).contains("FROM flink:" + FLINK + "-java17");
        assertThat(dockerfile)
                .contains(
                        "COPY surge-job/target/surge-job.jar /opt/flink/usrlib/surge-job.jar",
                        "COPY alerts/ /opt/surge/alerts/");
        assertThat(Path.of("surge-job", "target", "surge-job.jar")).isRegularFile();
        assertThat(Path.of("alerts")).isDirectory();
    }

    @Test
    void theDeploymentRunsSurgesMainClassWithFlagsItKnowsFromTheImage() throws IOException {
        Map<String, Object> spec = spec();
        Map<String, Object> job = map(spec.get("job"));
        List<String> args = DeployFiles.words(job.get("args"));

        assertThat(spec.get("flinkVersion")).isEqualTo("v" + FLINK.replaceAll("^(\\d+)\\.(\\d+).*", "$1_$2"));
        assertThat(job.get("jarURI")).isEqualTo("local:///opt/flink/usrlib/surge-job.jar");
        assertThat(job.get("entryClass")).isEqualTo(SurgeJob.class.getName());
        assertThat(job.get("upgradeMode")).isEqualTo("savepoint");
        SurgeConfig config = JobArguments.load(args.toArray(String[]::new), Map.of());
        assertThat(config.rules().dir()).isEqualTo(Path.of("/opt/surge/alerts"));
    }

    @Test
    void theJobsTransactionsOutliveACheckpointAndTheOutageItRidesOutWithinTheBrokersDefaultMaximum()
            throws IOException {
        List<String> args = DeployFiles.words(map(spec().get("job")).get("args"));
        // the job refuses a transaction timeout below interval + checkpoint timeout + downtime when it loads them
        Checkpointing checkpointing =
                JobArguments.load(args.toArray(String[]::new), Map.of()).checkpointing();

        assertThat(checkpointing.transactionTimeout())
                .isGreaterThanOrEqualTo(checkpointing.longestTransaction())
                .as("a default broker's transaction.max.timeout.ms")
                .isLessThanOrEqualTo(Duration.ofMinutes(15));
        assertThat(map(spec().get("flinkConfiguration")))
                .containsEntry(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION.key(), "RETAIN_ON_CANCELLATION");
    }

    @Test
    void everyFlinkSettingIsAFlinkOptionAndStateGoesToObjectStorageWithHighAvailability() throws Exception {
        Map<String, Object> configuration = map(spec().get("flinkConfiguration"));
        Set<String> known = optionKeys(
                StateBackendOptions.class,
                CheckpointingOptions.class,
                HighAvailabilityOptions.class,
                RestartStrategyOptions.class,
                TaskManagerOptions.class);

        for (String key : configuration.keySet()) {
            if (!key.startsWith("metrics.reporter.")) {
                assertThat(known).as("Flink option " + key).contains(key);
            }
        }
        assertThat(configuration)
                .containsEntry(StateBackendOptions.STATE_BACKEND.key(), "rocksdb")
                .containsEntry(HighAvailabilityOptions.HA_MODE.key(), "kubernetes")
                .containsEntry(
                        "metrics.reporter.prom.factory.class",
                        "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        assertThat(String.valueOf(configuration.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY.key())))
                .startsWith("s3://");
        assertThat(Files.readString(DIRECTORY.resolve("flink-deployment.yaml")))
                .contains("flink-s3-fs-presto-" + FLINK + ".jar");
    }

    private static Map<String, Object> spec() throws IOException {
        Map<String, Object> deployment = DeployFiles.yaml(DIRECTORY.resolve("flink-deployment.yaml"));
        assertThat(deployment)
                .containsEntry("apiVersion", "flink.apache.org/v1beta1")
                .containsEntry("kind", "FlinkDeployment");
        return map(deployment.get("spec"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }

    /** The keys, and their deprecated and fallback keys, of every option these Flink classes declare. */
    private static Set<String> optionKeys(Class<?>... holders) throws IllegalAccessException {
        Set<String> keys = new HashSet<>();
        for (Class<?> holder : holders) {
            for (Field field : holder.getFields()) {
                if (Modifier.isStatic(field.getModifiers()) && field.getType() == ConfigOption.class) {
                    ConfigOption<?> option = (ConfigOption<?>) field.get(null);
                    keys.add(option.key());
                    option.fallbackKeys().forEach(key -> keys.add(key.getKey()));
                }
            }
        }
        return keys;
    }
}
