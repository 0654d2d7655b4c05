package io.surge.testing;

import io.surge.SurgeJob;
import io.surge.config.FlinkSettings;
import io.surge.config.SurgeConfig;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

/** The surge job on a test class's shared Flink MiniCluster, as the fault tests run it. */
public final class SurgeOnMiniCluster {

    private SurgeOnMiniCluster() {}

    /** One TaskManager with two slots: room for the job at parallelism 2. */
    public static MiniClusterExtension extension() {
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(2)
                .build());
    }

    /**
     * Submits the job to the test class's MiniCluster, which {@link MiniClusterExtension} makes the execution
     * environment of the test.
     *
     * @param now the job's processing clock, fixed so that no test event is too far in the future
     * @param savepoint a savepoint or retained checkpoint to resume from, or null for a fresh start
     */
    public static JobClient start(SurgeConfig config, long now, int parallelism, String savepoint) throws Exception {
        Configuration flink = FlinkSettings.of(config);
        if (savepoint != null) {
            flink.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        env.setParallelism(parallelism);
        SurgeJob.buildOnKafka(env, config, () -> now);
        return env.executeAsync(config.jobName() + "-p" + parallelism);
    }
}
