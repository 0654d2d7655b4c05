package io.surge.cli;

import io.surge.SurgeJob;
import io.surge.config.FlinkSettings;
import io.surge.config.SurgeConfig;
import io.surge.recovery.LocalRun;
import io.surge.time.Clock;
import java.time.Instant;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
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
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run the surge job against an existing Kafka and Schema Registry.",
            "Started again with the same job.name, it resumes from the newest complete checkpoint it retained in"
                    + " <state.dir>/<job.name> (see 'surge options')."})
public final class RunCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions config;

    @Option(names = "--fresh",
            description = "Start with empty state from the consumer group's committed offsets, even where"
                    + " checkpoints are retained (they are moved aside, not deleted).")
    boolean fresh;

    @Option(names = "--from-savepoint", paramLabel = "DIR",
            description = "Resume from this savepoint (or retained checkpoint) directory instead.")
    String savepoint;

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
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
            SurgeJob.buildOnKafka(env, surge, Clock.system());
            env.execute(surge.jobName());
        }
        return 0;
    }
}
