package io.surge.cli;

import io.surge.embedded.StandaloneFlinkCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** A real multi-process Flink cluster on this machine, without Docker or a Flink download, for the job jar. */
@Command(
        name = "cluster",
        mixinStandardHelpOptions = true,
        description = "Run a standalone Flink cluster (a JobManager and TaskManagers, each its own JVM) until stopped"
                + " (Ctrl-C); submit surge-job/target/surge-job.jar to it through its REST API or web UI.")
final class ClusterCommand implements Callable<Integer> {

    static final Path CLASSPATH = Path.of("surge-job", "target", "flink-cluster.classpath");

    @Option(names = "--task-managers", defaultValue = "2", description = "TaskManagers. Default: ${DEFAULT-VALUE}.")
    int taskManagers;

    @Option(names = "--slots", defaultValue = "2", description = "Slots per TaskManager. Default: ${DEFAULT-VALUE}.")
    int slots;

    @Option(
            names = "--port",
            defaultValue = "8081",
            description = "REST API and web UI port; 0 for a free one." + " Default: ${DEFAULT-VALUE}.")
    int port;

    @Override
    public Integer call() throws Exception {
        Path classpathFile = SurgeCli.home().resolve(CLASSPATH);
        if (!Files.isRegularFile(classpathFile)) {
            System.err.println("surge cluster: " + classpathFile.toAbsolutePath() + " is missing; build it with"
                    + " mvn -DskipTests package");
            return 1;
        }
        Path directory = Files.createTempDirectory("surge-flink-cluster-");
        try (StandaloneFlinkCluster cluster = StandaloneFlinkCluster.start(
                Files.readString(classpathFile).trim(), directory, port, taskManagers, slots)) {
            String rest = cluster.restUrl();
            System.out.println("surge cluster: a JobManager and " + taskManagers + " TaskManagers with " + slots
                    + " slots each; web UI and REST API at " + rest);
            System.out.println("submit the job:");
            System.out.println("  curl -s -F jarfile=@surge-job/target/surge-job.jar " + rest + "/jars/upload");
            System.out.println("  curl -s -X POST " + rest + "/jars/JAR_ID/run -H 'Content-Type: application/json' -d"
                    + " '{\"parallelism\": 2, \"programArgsList\": [\"--bootstrap\", \"localhost:9092\","
                    + " \"--registry\", \"http://localhost:8085/apis/ccompat/v7\","
                    + " \"--set\", \"alerts.dir="
                    + SurgeCli.home().resolve("alerts").toAbsolutePath() + "\"]}'");
            System.out.println("logs: " + directory.resolve("log") + " (deleted on exit); Ctrl-C stops the cluster");
            System.out.flush();
            SurgeCli.runUntilStopped(cluster, "the Flink cluster");
        }
        return 0;
    }
}
