package io.surge.cli;

import io.surge.alerts.RuleException;
import io.surge.config.ConfigException;
import io.surge.config.ConfigLoader;
import io.surge.io.kafka.KafkaSetupException;
import io.surge.io.registry.RegistryException;
import io.surge.monitoring.FlinkRestException;
import io.surge.monitoring.JdkHttpServers;
import io.surge.recovery.RecoveryException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code surge} command. */
@Command(
        name = "surge",
        mixinStandardHelpOptions = true,
        version = "surge 0.1.0",
        description = "Real-time surge pricing and anomaly alerts for ride-hailing, on Apache Flink.",
        subcommands = {
            DemoCommand.class,
            RunCommand.class,
            GenerateCommand.class,
            InfraCommand.class,
            ClusterCommand.class,
            TailCommand.class,
            AlertsCommand.class,
            StatusCommand.class,
            DashboardCommand.class,
            RulesCommand.class,
            BenchCommand.class,
            OptionsCommand.class
        })
public final class SurgeCli implements Runnable {

    public static void main(String[] args) {
        JdkHttpServers.limitRequests();
        System.exit(commandLine(new SurgeCli()).execute(args));
    }

    /**
     * A command line that reports the failures of the user's making in one message, exit code 2: bad configuration,
     * flags or rules, a registry or Kafka that cannot be reached or refuses, a job that cannot resume. Anything else is
     * a bug, and picocli prints it with its stack trace.
     */
    public static CommandLine commandLine(Object command) {
        return new CommandLine(command).setExecutionExceptionHandler((e, cli, parsed) -> {
            if (e instanceof ConfigException
                    || e instanceof FlagException
                    || e instanceof RuleException
                    || e instanceof RegistryException
                    || e instanceof KafkaSetupException
                    || e instanceof RecoveryException
                    || e instanceof FlinkRestException) {
                cli.getErr().println("surge: " + e.getMessage());
                return 2;
            }
            throw e;
        });
    }

    static Map<String, String> environment() {
        return System.getenv();
    }

    /**
     * Blocks until this process is asked to stop (Ctrl-C, SIGTERM), then closes {@code running} before it exits.
     *
     * @param what what is running, for the message when closing it fails, e.g. "the Flink cluster"
     */
    static void runUntilStopped(AutoCloseable running, String what) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            try {
                                running.close();
                            } catch (Exception e) {
                                System.err.println("surge: error while stopping " + what + ": " + e);
                            }
                            stopped.countDown();
                        },
                        "surge-shutdown"));
        stopped.await();
    }

    static Path home() {
        return ConfigLoader.home(environment());
    }

    @Override
    public void run() {
        commandLine(this).usage(System.out);
    }
}
