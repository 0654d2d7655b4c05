package io.surge.cli;

import io.surge.config.ConfigLoader;
import io.surge.config.SurgeConfig;
import io.surge.config.SurgeOption;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The configuration flags every command that talks to Kafka or the registry takes. */
final class ConfigOptions {

    @Option(names = "--config", paramLabel = "FILE", description = "YAML file of options (see 'surge options').")
    Path file;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "Kafka bootstrap servers (kafka.bootstrap).")
    String bootstrap;

    @Option(
            names = "--registry",
            paramLabel = "URL",
            description = "Schema Registry URL, Confluent's schema.registry.url (registry.url).")
    String registry;

    @Option(
            names = {"-D", "--set"},
            paramLabel = "KEY=VALUE",
            description = "Any option of 'surge options', e.g. --set window.size=60s.")
    Map<String, String> set = new LinkedHashMap<>();

    /** Flags over environment (SURGE_*) over the config file over defaults. */
    SurgeConfig load() {
        return load(Map.of());
    }

    /** The same, with {@code fixed} options over everything, for commands that choose some options themselves. */
    SurgeConfig load(Map<String, String> fixed) {
        Map<String, String> flags = new LinkedHashMap<>(set);
        if (bootstrap != null) {
            flags.put(SurgeOption.KAFKA_BOOTSTRAP.key(), bootstrap);
        }
        if (registry != null) {
            flags.put(SurgeOption.REGISTRY_URL.key(), registry);
        }
        flags.putAll(fixed);
        return ConfigLoader.load(file, SurgeCli.environment(), flags);
    }
}
