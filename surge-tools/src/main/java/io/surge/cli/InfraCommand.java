package io.surge.cli;

import io.surge.embedded.EmbeddedKafka;
import io.surge.embedded.EmbeddedRegistry;
import io.surge.recovery.StateDirectory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.flink.util.FileUtils;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A local Kafka broker and Schema Registry for development, without Docker. Their data outlives them, so that stopping
 * and starting {@code surge infra} and {@code surge run} together resumes where they were.
 */
@Command(
        name = "infra",
        mixinStandardHelpOptions = true,
        description = "Run an embedded Kafka broker (KRaft) and Schema Registry until stopped (Ctrl-C). Topics,"
                + " offsets, transactions and schemas (with their ids) stay in --data-dir for the next start.")
final class InfraCommand implements Callable<Integer> {

    @Option(
            names = "--kafka-port",
            defaultValue = "9092",
            description = "Broker port; 0 for a free one." + " Default: ${DEFAULT-VALUE}.")
    int kafkaPort;

    @Option(
            names = "--registry-port",
            defaultValue = "8085",
            description = "Registry port; 0 for a free one." + " Default: ${DEFAULT-VALUE}.")
    int registryPort;

    @Option(
            names = "--data-dir",
            defaultValue = "${sys:user.home}/.surge/infra",
            description = "Where the broker's"
                    + " log and the registry's schemas are kept across restarts. Default: ${DEFAULT-VALUE}.")
    Path dataDirectory;

    @Option(
            names = "--fresh",
            description = "Delete what --data-dir holds and start with an empty broker (a new"
                    + " cluster id) and registry. A surge run whose checkpoints hold offsets of the old cluster then refuses"
                    + " to start until it too is started with --fresh.")
    boolean fresh;

    @Override
    public Integer call() throws Exception {
        // the broker locks its log directory only after its controller has opened the metadata log in it
        try (StateDirectory held = StateDirectory.lock(
                dataDirectory,
                "surge infra",
                "the data directory",
                "give this one another --data-dir",
                "give another --data-dir")) {
            if (fresh) {
                Infrastructure.wipe(dataDirectory);
            }
            System.err.println("surge: broker data and schemas in " + held.directory()
                    + (fresh ? ", started empty (--fresh)" : " (--fresh starts over)"));
            try (Infrastructure infra = Infrastructure.start(kafkaPort, registryPort, dataDirectory)) {
                System.out.println("bootstrap=" + infra.kafka().bootstrapServers());
                System.out.println("registry=" + infra.registry().url());
                System.out.flush();
                SurgeCli.runUntilStopped(infra, "the embedded services");
            }
        }
        return 0;
    }

    /** A broker and a registry started together and stopped together. */
    static final class Infrastructure implements AutoCloseable {
        // where each keeps its data in a data directory
        private static final String KAFKA_DATA = "kafka";
        private static final String REGISTRY_DATA = "registry";

        private final EmbeddedKafka kafka;
        private final EmbeddedRegistry registry;
        private boolean closed;

        private Infrastructure(EmbeddedKafka kafka, EmbeddedRegistry registry) {
            this.kafka = kafka;
            this.registry = registry;
        }

        EmbeddedKafka kafka() {
            return kafka;
        }

        EmbeddedRegistry registry() {
            return registry;
        }

        /** Deletes what a broker and registry started on {@code dataDirectory} kept there. */
        static void wipe(Path dataDirectory) throws IOException {
            FileUtils.deleteDirectory(dataDirectory.resolve(KAFKA_DATA).toFile());
            FileUtils.deleteDirectory(dataDirectory.resolve(REGISTRY_DATA).toFile());
        }

        /** A broker and registry whose data is gone when they stop, on free ports: the demo's, the bench's. */
        static Infrastructure startTemporary() throws Exception {
            return start(0, 0, null);
        }

        /** @param dataDirectory where their data outlives them; null for temporary storage */
        static Infrastructure start(int kafkaPort, int registryPort, Path dataDirectory) throws Exception {
            EmbeddedKafka kafka =
                    EmbeddedKafka.start(kafkaPort, dataDirectory == null ? null : dataDirectory.resolve(KAFKA_DATA));
            try {
                return new Infrastructure(
                        kafka,
                        EmbeddedRegistry.start(
                                SurgeCli.home().resolve(EmbeddedRegistry.DEFAULT_JAR),
                                registryPort,
                                dataDirectory == null ? null : dataDirectory.resolve(REGISTRY_DATA)));
            } catch (Exception e) {
                kafka.close();
                throw e;
            }
        }

        /** Safe to call twice: from the command's end and from the shutdown hook. */
        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            try {
                registry.close();
                kafka.close();
            } catch (Exception e) {
                System.err.println("surge: error while stopping the embedded services: " + e);
            }
        }
    }
}
