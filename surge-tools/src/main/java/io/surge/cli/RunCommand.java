package io.surge.cli;

import io.surge.SurgeJob;
import io.surge.config.FlinkSettings;
import io.surge.config.SurgeConfig;
import io.surge.monitoring.ReadOnlyWebUi;
import io.surge.recovery.LocalRun;
import io.surge.recovery.WindowCheckpoints;
import io.surge.time.Clock;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The job against an existing Kafka and registry, on an in-process Flink, resuming from its own retained checkpoints
 * when it was killed or stopped before ({@link LocalRun}).
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = {
            "Run the surge job against an existing Kafka and Schema Registry.",
            "Started again with the same job.name, it resumes from the newest complete checkpoint it retained in"
                    + " <state.dir>/<job.name> (see 'surge options')."
        })
public final class RunCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions config;

    @Option(
            names = "--fresh",
            description = "Start with empty state from the consumer group's committed offsets, even where"
                    + " checkpoints are retained (they are moved aside, not deleted).")
    boolean fresh;

    @Option(
            names = "--from-savepoint",
            paramLabel = "DIR",
            description = "Resume from this savepoint (or retained checkpoint) directory instead.")
    String savepoint;

    @Option(
            names = "--rest-port",
            paramLabel = "PORT",
            defaultValue = "8081",
            description = "Port of the in-process Flink's web UI and REST API, which 'surge status"
                    + " --flink' reads; 0 for a free one. Default: ${DEFAULT-VALUE}.")
    int restPort;

    @Mixin
    WebUiOptions webUi;

    @Mixin
    MetricsOptions metrics;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        SurgeConfig surge = config.load();
        if (fresh && savepoint != null) {
            throw new ParameterException(spec.commandLine(), "--fresh and --from-savepoint exclude each other");
        }
        try (LocalRun run = LocalRun.prepare(surge, fresh, savepoint, Instant.now())) {
            Configuration flink = FlinkSettings.of(surge);
            run.configure(flink);
            PrintWriter out = spec.commandLine().getOut();
            try (ReadOnlyWebUi ui = webUi.serve(flink, restPort, out)) {
                metrics.apply(flink, out);
                WindowCheckpoints.configure(flink, surge);
                StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
                SurgeJob.buildOnKafka(env, surge, Clock.system());
                JobClient job = env.executeAsync(surge.jobName());
                try (WindowCheckpoints paced = WindowCheckpoints.pace(surge, flink, job.getJobID())) {
                    run.await(job);
                }
            }
        }
        return 0;
    }
}
