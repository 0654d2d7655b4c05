package io.surge.cli;

import io.surge.embedded.EmbeddedKafka;
import io.surge.embedded.EmbeddedRegistry;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** A local Kafka broker and Schema Registry for development, without Docker. */
@Command(name = "infra", mixinStandardHelpOptions = true,
        description = "Run an embedded Kafka broker (KRaft) and Schema Registry until stopped (Ctrl-C).")
final class InfraCommand implements Callable<Integer> {

    @Option(names = "--kafka-port", defaultValue = "9092", description = "Broker port; 0 for a free one."
            + " Default: ${DEFAULT-VALUE}.")
    int kafkaPort;

    @Option(names = "--registry-port", defaultValue = "8085", description = "Registry port; 0 for a free one."
            + " Default: ${DEFAULT-VALUE}.")
    int registryPort;

    @Override
    public Integer call() throws Exception {
        try (Infrastructure infra = Infrastructure.start(kafkaPort, registryPort)) {
            System.out.println("bootstrap=" + infra.kafka().bootstrapServers());
            System.out.println("registry=" + infra.registry().url());
            System.out.flush();
            SurgeCli.runUntilStopped(infra, "the embedded services");
        }
        return 0;
    }

    /** A broker and a registry started together and stopped together. */
    static final class Infrastructure implements AutoCloseable {
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

        static Infrastructure start(int kafkaPort, int registryPort) throws Exception {
            EmbeddedKafka kafka = EmbeddedKafka.start(kafkaPort);
            try {
                return new Infrastructure(kafka,
                        EmbeddedRegistry.start(SurgeCli.home().resolve(EmbeddedRegistry.DEFAULT_JAR), registryPort));
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
