package io.surge.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Builds the {@link SurgeConfig} of a command from its sources, each overriding the one before: defaults, a YAML
 * config file, environment variables ({@code SURGE_WINDOW_SIZE} for {@code window.size}), command-line flags.
 */
public final class ConfigLoader {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigLoader.class);
    private static final List<SurgeOption> PASSWORDS = List.of(
            SurgeOption.KAFKA_SASL_PASSWORD,
            SurgeOption.KAFKA_SSL_TRUSTSTORE_PASSWORD,
            SurgeOption.KAFKA_SSL_KEYSTORE_PASSWORD,
            SurgeOption.REGISTRY_PASSWORD,
            SurgeOption.REGISTRY_TRUSTSTORE_PASSWORD,
            SurgeOption.REGISTRY_KEYSTORE_PASSWORD);

    private ConfigLoader() {}

    /**
     * @param file a YAML file of options, flat ({@code window.size: 30s}) or nested ({@code window: {size: 30s}}), or
     *     null for none
     * @param environment the process environment; only {@code SURGE_} variables of known options are read
     * @param flags options given on the command line
     */
    public static SurgeConfig load(Path file, Map<String, String> environment, Map<String, String> flags) {
        List<SurgeConfig.Layer> layers = new ArrayList<>();
        if (file != null) {
            layers.add(new SurgeConfig.Layer("config file " + file, readFile(file)));
        }
        for (SurgeOption option : SurgeOption.values()) {
            String value = environment.get(environmentName(option));
            if (value != null) {
                layers.add(
                        new SurgeConfig.Layer("environment " + environmentName(option), Map.of(option.key(), value)));
            }
        }
        for (Map.Entry<String, String> flag : flags.entrySet()) {
            layers.add(new SurgeConfig.Layer("command line", Map.of(flag.getKey(), flag.getValue())));
        }
        SurgeConfig config = SurgeConfig.fromLayers(layers);
        passwordsOnTheCommandLine(flags).forEach(LOG::warn);
        return config;
    }

    /** A warning for each password among {@code flags}: any user of the machine reads a command line ({@code ps}). */
    static List<String> passwordsOnTheCommandLine(Map<String, String> flags) {
        return PASSWORDS.stream()
                .filter(option -> !flags.getOrDefault(option.key(), "").isEmpty())
                .map(option -> option.key() + " was given on the command line, which every user of this machine can"
                        + " read (ps); give it in " + environmentName(option)
                        + SurgeOption.byKey(option.key() + "-file")
                                .map(file -> " or a file (" + file.key() + ")")
                                .orElse("")
                        + " instead")
                .toList();
    }

    /**
     * Where surge is installed, as the {@code surge} script says in {@code SURGE_HOME}: the repository, with the
     * shipped rules and the embedded registry's jar; the working directory when it is not set.
     */
    public static Path home(Map<String, String> environment) {
        String home = environment.get("SURGE_HOME");
        return home == null ? Path.of("") : Path.of(home);
    }

    public static String environmentName(SurgeOption option) {
        return "SURGE_"
                + option.key().toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static Map<String, String> readFile(Path file) {
        Object root;
        try (Reader reader = Files.newBufferedReader(file)) {
            root = new Yaml(new LoaderOptions()).load(reader);
        } catch (IOException | YAMLException e) {
            throw new ConfigException("config file " + file + ": cannot be read as YAML: " + e.getMessage());
        }
        Map<String, String> options = new LinkedHashMap<>();
        if (root instanceof Map<?, ?> map) {
            flatten("", map, options);
        } else if (root != null) {
            throw new ConfigException(
                    "config file " + file + ": expected option keys and values, like" + " 'window.size: 30s'");
        }
        return options;
    }

    private static void flatten(String prefix, Map<?, ?> map, Map<String, String> into) {
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            String key = prefix + entry.getKey();
            if (entry.getValue() instanceof Map<?, ?> nested) {
                flatten(key + ".", nested, into);
            } else {
                into.put(key, String.valueOf(entry.getValue()));
            }
        }
    }
}
