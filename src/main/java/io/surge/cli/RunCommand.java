package io.surge.cli;

import io.surge.SurgeJob;
import io.surge.config.FlinkSettings;
import io.surge.config.SurgeConfig;
import io.surge.time.Clock;
import java.util.concurrent.Callable;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The job against an existing Kafka and registry: locally on an in-process Flink, or on a cluster via flink run. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the surge job against an existing Kafka and Schema Registry.")
public final class RunCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions config;

    @Override
    public Integer call() throws Exception {
        SurgeConfig surge = config.load();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(FlinkSettings.of(surge));
        SurgeJob.build(env, surge, Clock.system());
        env.execute(surge.jobName());
        return 0;
    }
}
