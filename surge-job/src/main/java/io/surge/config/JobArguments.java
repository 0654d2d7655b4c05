package io.surge.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The job's command-line flags, as {@code flink run} and application mode pass them to its main class: the same
 * configuration flags as {@code surge run} ({@code --bootstrap HOST:PORT}, {@code --registry URL},
 * {@code --config FILE}, {@code --set KEY=VALUE} or {@code -D KEY=VALUE}), without a command-line framework in the
 * job jar.
 */
public final class JobArguments {

    private JobArguments() {}

    /** Flags over the environment ({@code SURGE_*}) over the config file over defaults. */
    public static SurgeConfig load(String[] args, Map<String, String> environment) {
        Path file = null;
        Map<String, String> flags = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (i + 1 == args.length) {
                throw new ConfigException("command line: " + flag + " needs a value; " + USAGE);
            }
            String value = args[++i];
            switch (flag) {
                case "--bootstrap" -> flags.put(SurgeOption.KAFKA_BOOTSTRAP.key(), value);
                case "--registry" -> flags.put(SurgeOption.REGISTRY_URL.key(), value);
                case "--config" -> file = Path.of(value);
                case "--set", "-D" -> {
                    int equals = value.indexOf('=');
                    if (equals <= 0) {
                        throw new ConfigException(
                                "command line: " + flag + " " + value + " is not KEY=VALUE; " + USAGE);
                    }
                    flags.put(value.substring(0, equals), value.substring(equals + 1));
                }
                default -> throw new ConfigException("command line: unknown flag '" + flag + "'; " + USAGE);
            }
        }
        return ConfigLoader.load(file, environment, flags);
    }

    private static final String USAGE = "the job takes --bootstrap HOST:PORT, --registry URL, --config FILE and"
            + " --set KEY=VALUE (any option of 'surge options')";
}
