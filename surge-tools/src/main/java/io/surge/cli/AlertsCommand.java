package io.surge.cli;

import io.surge.alertmanager.AlertForwarder;
import io.surge.alertmanager.AlertmanagerClient;
import io.surge.config.SurgeConfig;
import io.surge.io.kafka.KafkaReaders;
import io.surge.io.registry.SchemaRegistryClient;
import io.surge.io.serde.TopicDecoders;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** What operations teams do with surge's alerts beyond reading the topic. */
@Command(
        name = "alerts",
        mixinStandardHelpOptions = true,
        description = "Forward surge's alert episodes to where operations teams route them.",
        subcommands = {AlertsCommand.Forward.class})
final class AlertsCommand implements Runnable {

    @Override
    public void run() {
        SurgeCli.commandLine(this).usage(System.out);
    }

    @Command(
            name = "forward",
            mixinStandardHelpOptions = true,
            description = "Post every alert episode of surge-alerts (read_committed) to Prometheus Alertmanager:"
                    + " FIRING opens an alert, RESOLVED ends it; open ones are posted again so that they do not time"
                    + " out. Offsets are committed once Alertmanager took the alerts: a forwarder killed and started"
                    + " again loses none; while Alertmanager or the registry cannot be reached, it waits.")
    static final class Forward implements Callable<Integer> {

        @Option(
                names = "--alertmanager",
                paramLabel = "URL",
                required = true,
                description = "Alertmanager's address, e.g. http://localhost:9093.")
        String alertmanager;

        @Option(
                names = "--dashboard",
                paramLabel = "URL",
                defaultValue = "http://127.0.0.1:8090",
                description = "The live map's address, which each alert links to with its zone."
                        + " Default: ${DEFAULT-VALUE}.")
        String dashboard;

        @Option(
                names = "--group",
                paramLabel = "ID",
                defaultValue = "surge-alerts-forwarder",
                description = "The consumer group whose offsets say what was forwarded. Default: ${DEFAULT-VALUE}.")
        String group;

        @Option(
                names = "--resend-every",
                paramLabel = "DURATION",
                defaultValue = "1min",
                description = "How often open episodes are posted again; keep it well under Alertmanager's"
                        + " resolve_timeout (5m in deploy/alertmanager). Default: ${DEFAULT-VALUE}.")
        String resendEvery;

        @Mixin
        ConfigOptions config;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            Duration resend = FlagException.duration("--resend-every", resendEvery);
            SurgeConfig surge = config.load();
            TopicDecoders decoders =
                    new TopicDecoders(surge.topics(), new SchemaRegistryClient(surge.registry())::schemaById);
            try (KafkaConsumer<byte[], byte[]> consumer =
                    KafkaReaders.create(surge.kafka(), group, KafkaReaders.Isolation.COMMITTED, true)) {
                new AlertForwarder(
                                consumer,
                                surge.topics().alerts(),
                                decoders,
                                new AlertmanagerClient(alertmanager),
                                dashboard.replaceAll("/+$", ""),
                                resend,
                                spec.commandLine().getOut())
                        .run(() -> !Thread.currentThread().isInterrupted());
            }
            return 0;
        }
    }
}
