package io.surge;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/**
 * The job jar holds the job and what Flink's distribution lacks, nothing of surge's tools: the command line, the
 * benchmark, the dashboard, the generator, surge run's recovery, the embedded services, the test fixtures; and nothing
 * the distribution has (Flink's runtime and shaded libraries, slf4j). FlinkClusterIT runs this jar on a cluster whose
 * classpath has nothing of surge, so a class the job needs and the jar lacks fails there.
 */
class JobJarIT {

    private static final Path JOB_JAR = Path.of("surge-job", "target", "surge-job.jar");

    @Test
    void theJobJarHoldsTheJobAndNoneOfSurgesTools() throws Exception {
        try (JarFile jar = new JarFile(JOB_JAR.toFile())) {
            List<String> entries = jar.stream().map(ZipEntry::getName).toList();

            assertThat(entries)
                    .contains(
                            "io/surge/SurgeJob.class",
                            "io/surge/SurgePipeline.class",
                            "org/apache/flink/cep/CEP.class",
                            "org/apache/flink/connector/kafka/source/KafkaSource.class",
                            "org/apache/kafka/clients/producer/KafkaProducer.class",
                            "org/apache/avro/Schema.class");
            assertThat(entries)
                    .noneMatch(entry -> entry.startsWith("io/surge/bench/")
                            || entry.startsWith("io/surge/cli/")
                            || entry.startsWith("io/surge/dashboard/")
                            || entry.startsWith("io/surge/generator/")
                            || entry.startsWith("io/surge/recovery/")
                            || entry.startsWith("io/surge/embedded/")
                            || entry.startsWith("io/surge/schema/")
                            || entry.startsWith("io/surge/monitoring/")
                            || entry.startsWith("io/surge/backtest/")
                            || entry.startsWith("io/surge/alertmanager/")
                            || entry.startsWith("io/surge/testing/")
                            || entry.startsWith("picocli/")
                            || entry.startsWith("org/apache/flink/runtime/")
                            || entry.startsWith("org/apache/flink/streaming/api/environment/")
                            || entry.startsWith("org/apache/flink/shaded/")
                            || entry.startsWith("org/slf4j/")
                            || entry.startsWith("kafka/server/")
                            || entry.startsWith("dashboard/"));
            assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class"))
                    .isEqualTo(SurgeJob.class.getName());
        }
    }
}
