package io.surge.cli;

import io.surge.SurgeJob;
import io.surge.config.FlinkSettings;
import io.surge.config.SurgeConfig;
import io.surge.config.SurgeOption;
import io.surge.dashboard.DashboardServer;
import io.surge.generator.TrafficProducer;
import io.surge.monitoring.ReadOnlyWebUi;
import io.surge.recovery.WindowCheckpoints;
import io.surge.time.Clock;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.common.errors.InterruptException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Everything on one machine: broker, registry, Flink with its web UI, the job, city traffic and a live console. */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = "Run the whole product locally: embedded Kafka and registry, the job on an in-process Flink"
                + " with its web UI, simulated city traffic with incidents, and a live console view.")
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--duration", description = "Stop by itself after this long (default: run until Ctrl-C).")
    String duration;

    @Option(
            names = "--dashboard-port",
            defaultValue = "8090",
            description = "Port of the live map (on 127.0.0.1); 0 for a free one. Default: ${DEFAULT-VALUE}.")
    int dashboardPort;

    @Mixin
    CityOptions city;

    @Mixin
    WebUiOptions webUi;

    @Mixin
    MetricsOptions metrics;

    @Mixin
    ConfigOptions config;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Duration runFor = duration == null ? Duration.ofDays(365) : FlagException.duration("--duration", duration);
        CountDownLatch done = new CountDownLatch(1);
        Thread main = Thread.currentThread();
        Thread stopOnCtrlC = new Thread(
                () -> {
                    main.interrupt();
                    awaitQuietly(done);
                },
                "surge-demo-shutdown");
        Runtime.getRuntime().addShutdownHook(stopOnCtrlC);
        Path log = Path.of(System.getProperty("java.io.tmpdir"), "surge-demo.log");
        out.println("surge demo: starting Kafka, the Schema Registry and Flink... (log: " + log + ")");
        out.flush();
        DemoLog.to(log);
        try (InfraCommand.Infrastructure infra = InfraCommand.Infrastructure.startTemporary()) {
            SurgeConfig surge = config.load(Map.of(
                    SurgeOption.KAFKA_BOOTSTRAP.key(), infra.kafka().bootstrapServers(),
                    SurgeOption.REGISTRY_URL.key(), infra.registry().url(),
                    SurgeOption.ALERTS_DIR.key(),
                            SurgeCli.home().resolve("alerts").toString()));
            Configuration flink = FlinkSettings.of(surge);
            try (ReadOnlyWebUi ui = webUi.serve(flink, 0, out)) {
                metrics.apply(flink, out);
                WindowCheckpoints.configure(flink, surge);
                StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(flink);
                env.setParallelism(2);
                SurgeJob.buildOnKafka(env, surge, Clock.system());
                JobClient job = env.executeAsync("surge-demo");
                WindowCheckpoints paced = WindowCheckpoints.pace(surge, flink, job.getJobID());
                out.println("bootstrap=" + surge.bootstrapServers());
                out.println("registry=" + surge.registry().url());
                out.flush();

                try (DashboardServer dashboard = DashboardServer.start(surge, "127.0.0.1", dashboardPort, List.of());
                        TrafficProducer traffic = new TrafficProducer(city.city(Instant.now(), "incidents"), surge);
                        ConsoleView console = new ConsoleView(
                                surge,
                                out,
                                webUi.url(ui),
                                job.getJobID().toString(),
                                dashboard.url(),
                                log,
                                traffic::sent)) {
                    out.println("dashboard: " + dashboard.url());
                    out.flush();
                    Thread generator = new Thread(
                            () -> {
                                try {
                                    traffic.play(runFor, true);
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                            },
                            "surge-demo-traffic");
                    generator.start();
                    long end = System.currentTimeMillis() + runFor.toMillis();
                    try {
                        while (System.currentTimeMillis() < end
                                && !Thread.currentThread().isInterrupted()) {
                            console.refresh();
                        }
                    } catch (InterruptException e) {
                        // Ctrl-C while the console was reading
                    } finally {
                        Thread.interrupted(); // stop cleanly even after Ctrl-C
                        generator.interrupt();
                        generator.join(5_000);
                    }
                    out.printf(
                            "%nsurge demo: stopping; %,d events sent, %,d results and %,d alerts seen%n",
                            traffic.sent(), console.resultsSeen(), console.alertsSeen());
                    out.flush();
                } finally {
                    if (paced != null) {
                        paced.close();
                    }
                    job.cancel().get(30, TimeUnit.SECONDS);
                }
            }
        } finally {
            done.countDown();
            removeHook(stopOnCtrlC);
        }
        return 0;
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook is running
        }
    }

    private static void awaitQuietly(CountDownLatch done) {
        try {
            done.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
