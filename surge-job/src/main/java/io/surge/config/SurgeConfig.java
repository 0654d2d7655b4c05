package io.surge.config;

import io.surge.alerts.TrustedKeys;
import io.surge.ingest.Input;
import io.surge.ingest.InputSettings;
import io.surge.io.TlsStores;
import io.surge.io.Topics;
import io.surge.io.kafka.KafkaJob;
import io.surge.io.kafka.KafkaSettings;
import io.surge.io.kafka.OutputSettings;
import io.surge.io.registry.RegistrySettings;
import io.surge.pricing.Multiplier;
import io.surge.pricing.PricingPolicy;
import io.surge.pricing.WindowSpec;
import io.surge.time.WatermarkSettings;
import io.surge.zone.Area;
import io.surge.zone.ZoneScheme;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.UnrecoverableKeyException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.util.TimeUtils;

/**
 * The typed configuration of a surge job, built in one place from string options (see {@link SurgeOption} for the
 * keys and defaults), in settings by concern. Whatever the options came from, a flag, the environment or a file, they
 * are checked here and an error names the source, the option and the fix. Options left empty, such as
 * {@code checkpoint.dir} or the registry credentials, are null.
 *
 * @param jobName the Flink job's name, the consumer group, the transactional-id prefix and the state directory's
 * @param bufferTimeout the longest a record waits in a part-filled network buffer between operators
 */
public record SurgeConfig(
        String jobName,
        KafkaSettings kafka,
        RegistrySettings registry,
        Topics topics,
        InputSettings input,
        WindowSpec window,
        PricingPolicy pricing,
        WatermarkSettings watermarks,
        RuleSettings rules,
        OutputSettings output,
        Checkpointing checkpointing,
        Duration bufferTimeout)
        implements Serializable {

    public static SurgeConfig defaults() {
        return fromOptions(Map.of(), "defaults");
    }

    /** Options from one source, such as a file, the environment or the command line. */
    public record Layer(String source, Map<String, String> options) {}

    /**
     * Parses options over the defaults.
     *
     * @param options option key to value, e.g. {@code window.size -> 30s}
     * @param source where the options came from, named in error messages (a file path, "command line", ...)
     */
    public static SurgeConfig fromOptions(Map<String, String> options, String source) {
        return fromLayers(List.of(new Layer(source, options)));
    }

    /** Parses layers of options over the defaults; a later layer overrides an earlier one, key by key. */
    public static SurgeConfig fromLayers(List<Layer> layers) {
        Options values = new Options(layers);
        boolean exactlyOnce = values.oneOf(SurgeOption.OUTPUT_DELIVERY, "exactly-once", "at-least-once")
                .equals("exactly-once");
        Duration size = values.duration(SurgeOption.WINDOW_SIZE);
        Duration slide = values.duration(SurgeOption.WINDOW_SLIDE);
        if (size.toMillis() % slide.toMillis() != 0) {
            throw values.invalid(
                    SurgeOption.WINDOW_SIZE,
                    "window.size (" + format(size) + ") must be a whole multiple of window.slide (" + format(slide)
                            + ")",
                    "choose a size such as "
                            + format(slide.multipliedBy(Math.max(1, size.toMillis() / slide.toMillis())))
                            + " or a slide that divides " + format(size));
        }
        WindowSpec window = new WindowSpec(
                size.toMillis(),
                slide.toMillis(),
                values.duration(SurgeOption.ALLOWED_LATENESS, true).toMillis());
        return new SurgeConfig(
                jobName(values),
                kafka(values),
                new RegistrySettings(
                        registryUrl(values),
                        values.optional(SurgeOption.REGISTRY_USERNAME),
                        values.secret(SurgeOption.REGISTRY_PASSWORD, SurgeOption.REGISTRY_PASSWORD_FILE),
                        values.optional(SurgeOption.REGISTRY_PASSWORD_FILE),
                        registryTls(values),
                        values.duration(SurgeOption.REGISTRY_RETRY_FOR)),
                new Topics(
                        Arrays.stream(Input.values())
                                .collect(Collectors.toMap(
                                        input -> input, input -> values.required(SurgeOption.topicOf(input)))),
                        values.required(SurgeOption.TOPIC_MULTIPLIERS),
                        values.required(SurgeOption.TOPIC_ALERTS),
                        values.required(SurgeOption.TOPIC_LATE_EVENTS),
                        values.required(SurgeOption.TOPIC_DEAD_LETTERS),
                        values.required(SurgeOption.TOPIC_RULES),
                        values.integer(SurgeOption.TOPIC_PARTITIONS, 1, 10_000)),
                new InputSettings(
                        values.choice(SurgeOption.ZONES, ZoneScheme.class),
                        values.integer(SurgeOption.H3_RESOLUTION, 0, 15),
                        values.areas(SurgeOption.ZONE_BOUNDS),
                        values.duration(SurgeOption.MAX_FUTURE_SKEW),
                        values.bool(SurgeOption.INPUT_BOUNDED)),
                window,
                pricing(values),
                new WatermarkSettings(
                        values.duration(SurgeOption.OUT_OF_ORDERNESS, true),
                        values.duration(SurgeOption.IDLENESS),
                        values.duration(SurgeOption.WATERMARK_INTERVAL)),
                new RuleSettings(
                        Path.of(values.required(SurgeOption.ALERTS_DIR)),
                        values.duration(SurgeOption.ALERTS_TIME_BUCKET),
                        values.trustedKeys(SurgeOption.RULES_TRUSTED_KEYS)),
                new OutputSettings(
                        exactlyOnce,
                        values.bool(SurgeOption.REGISTRY_AUTO_REGISTER),
                        values.integer(SurgeOption.DIVERTED_MAX_BYTES, 4_096, Integer.MAX_VALUE)),
                checkpointing(values, exactlyOnce),
                values.duration(SurgeOption.BUFFER_TIMEOUT, true));
    }

    private static Checkpointing checkpointing(Options values, boolean exactlyOnce) {
        Checkpointing checkpointing = new Checkpointing(
                values.duration(SurgeOption.CHECKPOINT_INTERVAL),
                values.choice(SurgeOption.CHECKPOINT_PACING, CheckpointPacing.class),
                values.duration(SurgeOption.CHECKPOINT_TIMEOUT),
                values.optional(SurgeOption.CHECKPOINT_DIR),
                values.path(SurgeOption.STATE_DIR),
                values.duration(SurgeOption.KAFKA_TRANSACTION_TIMEOUT),
                values.duration(SurgeOption.RECOVERY_MAX_DOWNTIME),
                values.choice(SurgeOption.STATE_BACKEND, StateBackendKind.class));
        if (exactlyOnce && checkpointing.transactionTimeout().compareTo(checkpointing.longestTransaction()) < 0) {
            throw values.invalid(
                    SurgeOption.KAFKA_TRANSACTION_TIMEOUT,
                    format(checkpointing.transactionTimeout()) + " is shorter than checkpoint.interval ("
                            + format(checkpointing.interval()) + ") + checkpoint.timeout ("
                            + format(checkpointing.timeout()) + ") + recovery.max-downtime ("
                            + format(checkpointing.maxDowntime()) + ") = "
                            + format(checkpointing.longestTransaction())
                            + ", so the broker could abort results after their checkpoint counted them as delivered",
                    "raise kafka.transaction-timeout (and the broker's transaction.max.timeout.ms if needed), or"
                            + " lower checkpoint.timeout or recovery.max-downtime");
        }
        return checkpointing;
    }

    private static PricingPolicy pricing(Options values) {
        String capsFile = values.optional(SurgeOption.PRICING_CAPS_FILE);
        return new PricingPolicy(
                values.decimal(SurgeOption.PRICING_NEIGHBOUR_WEIGHT, 0, 1),
                values.decimal(SurgeOption.PRICING_PSEUDO_COUNT, 0, 1_000),
                values.decimal(SurgeOption.PRICING_MAX_STEP, 0.01, Multiplier.MAX - Multiplier.MIN),
                values.decimal(SurgeOption.PRICING_DEADBAND, 0, Multiplier.MAX - Multiplier.MIN),
                values.decimal(SurgeOption.PRICING_CAP, Multiplier.MIN, Multiplier.MAX),
                capsFile == null ? List.of() : CapsFile.read(Path.of(capsFile)));
    }

    /** A name that is safe as a directory, a consumer group and a transactional-id prefix alike. */
    private static String jobName(Options values) {
        String name = values.required(SurgeOption.JOB_NAME);
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,99}")) {
            throw values.invalid(
                    SurgeOption.JOB_NAME,
                    "'" + name + "' is not a plain name",
                    "use letters, digits, '.', '_' and '-' only, starting with a letter or digit, at most 100");
        }
        return name;
    }

    private static final StoreOptions KAFKA_TRUST = new StoreOptions(
            SurgeOption.KAFKA_SSL_TRUSTSTORE,
            SurgeOption.KAFKA_SSL_TRUSTSTORE_PASSWORD,
            SurgeOption.KAFKA_SSL_TRUSTSTORE_PASSWORD_FILE,
            false);
    private static final StoreOptions KAFKA_KEYS = new StoreOptions(
            SurgeOption.KAFKA_SSL_KEYSTORE,
            SurgeOption.KAFKA_SSL_KEYSTORE_PASSWORD,
            SurgeOption.KAFKA_SSL_KEYSTORE_PASSWORD_FILE,
            true);
    private static final StoreOptions REGISTRY_TRUST = new StoreOptions(
            SurgeOption.REGISTRY_TRUSTSTORE,
            SurgeOption.REGISTRY_TRUSTSTORE_PASSWORD,
            SurgeOption.REGISTRY_TRUSTSTORE_PASSWORD_FILE,
            false);
    private static final StoreOptions REGISTRY_KEYS = new StoreOptions(
            SurgeOption.REGISTRY_KEYSTORE,
            SurgeOption.REGISTRY_KEYSTORE_PASSWORD,
            SurgeOption.REGISTRY_KEYSTORE_PASSWORD_FILE,
            true);

    private static KafkaSettings kafka(Options values) {
        String protocol =
                values.oneOf(SurgeOption.KAFKA_SECURITY_PROTOCOL, "PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");
        String mechanism = values.oneOf(SurgeOption.KAFKA_SASL_MECHANISM, "SCRAM-SHA-256", "SCRAM-SHA-512", "PLAIN");
        String username = values.optional(SurgeOption.KAFKA_SASL_USERNAME);
        String password = values.secret(SurgeOption.KAFKA_SASL_PASSWORD, SurgeOption.KAFKA_SASL_PASSWORD_FILE);
        boolean sasl = protocol.startsWith("SASL_");
        if (sasl && (username == null || password == null)) {
            throw values.invalid(
                    SurgeOption.KAFKA_SECURITY_PROTOCOL,
                    protocol.toLowerCase(Locale.ROOT) + " needs credentials, but "
                            + (username == null ? "kafka.sasl.username" : "kafka.sasl.password") + " is empty",
                    "set kafka.sasl.username and kafka.sasl.password-file (or SURGE_KAFKA_SASL_USERNAME and"
                            + " SURGE_KAFKA_SASL_PASSWORD)");
        }
        if (protocol.equals("SASL_PLAINTEXT")
                && mechanism.equals("PLAIN")
                && !values.bool(SurgeOption.SECURITY_ALLOW_CLEARTEXT_CREDENTIALS)) {
            throw values.invalid(
                    SurgeOption.KAFKA_SASL_MECHANISM,
                    "plain over sasl_plaintext sends the password readable to anyone on the way to the broker",
                    "use kafka.security-protocol sasl_ssl, or a scram mechanism (which never sends the password);"
                            + " on a test bed, set security.allow-cleartext-credentials=true");
        }
        if (!sasl && username != null) {
            throw values.invalid(
                    SurgeOption.KAFKA_SASL_USERNAME,
                    "it is set but kafka.security-protocol is plaintext, which sends no credentials",
                    "set kafka.security-protocol to sasl_plaintext or sasl_ssl");
        }
        if (!protocol.endsWith("SSL")) {
            values.unused(
                    List.of(KAFKA_TRUST, KAFKA_KEYS),
                    "kafka.security-protocol is " + protocol.toLowerCase(Locale.ROOT) + ", which does not use TLS",
                    "set kafka.security-protocol to ssl or sasl_ssl");
        }
        return new KafkaSettings(
                values.required(SurgeOption.KAFKA_BOOTSTRAP),
                protocol,
                mechanism,
                username,
                password,
                values.tls(KAFKA_TRUST, KAFKA_KEYS));
    }

    private static TlsStores registryTls(Options values) {
        if (!values.required(SurgeOption.REGISTRY_URL).regionMatches(true, 0, "https://", 0, "https://".length())) {
            values.unused(
                    List.of(REGISTRY_TRUST, REGISTRY_KEYS),
                    "registry.url is not https://",
                    "use the registry's https:// URL");
        }
        return values.tls(REGISTRY_TRUST, REGISTRY_KEYS);
    }

    private static String registryUrl(Options values) {
        String url = values.required(SurgeOption.REGISTRY_URL);
        if (values.optional(SurgeOption.REGISTRY_USERNAME) != null
                && url.regionMatches(true, 0, "http://", 0, "http://".length())
                && !values.bool(SurgeOption.SECURITY_ALLOW_CLEARTEXT_CREDENTIALS)) {
            throw values.invalid(
                    SurgeOption.REGISTRY_URL,
                    "basic auth over http:// sends registry.password readable to anyone on the way to the registry",
                    "use an https:// URL; on a test bed, set security.allow-cleartext-credentials=true");
        }
        return url;
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** The part of this configuration that surge's Kafka sources, sinks and tools are made from. */
    public KafkaJob kafkaJob() {
        return new KafkaJob(
                jobName, kafka, registry, topics, output, checkpointing.transactionTimeout(), input.bounded());
    }

    private static String format(Duration duration) {
        return TimeUtils.formatWithHighestUnit(duration);
    }

    /**
     * The options of one TLS store: its file and its password, given as a value or in a file.
     *
     * @param holdsKey whether it is a key store, holding a private key, rather than a trust store of CA certificates
     */
    private record StoreOptions(SurgeOption store, SurgeOption password, SurgeOption passwordFile, boolean holdsKey) {}

    /** Raw option values with the defaults filled in, where each came from, and typed readers that report a bad one. */
    private static final class Options {
        private final Map<String, String> values = new HashMap<>();
        private final Map<String, String> sources = new HashMap<>();

        Options(List<Layer> layers) {
            for (SurgeOption option : SurgeOption.values()) {
                values.put(option.key(), option.defaultValue());
                sources.put(option.key(), "defaults");
            }
            for (Layer layer : layers) {
                for (Map.Entry<String, String> entry : layer.options().entrySet()) {
                    if (SurgeOption.byKey(entry.getKey()).isEmpty()) {
                        throw new ConfigException(layer.source() + ": unknown option '" + entry.getKey()
                                + "'; known options are "
                                + Arrays.stream(SurgeOption.values())
                                        .map(SurgeOption::key)
                                        .collect(Collectors.joining(", ")));
                    }
                    values.put(entry.getKey(), entry.getValue().trim());
                    sources.put(entry.getKey(), layer.source());
                }
            }
        }

        /** A local path; a leading {@code ~/} is this user's home directory. */
        Path path(SurgeOption option) {
            String raw = required(option);
            return raw.equals("~") || raw.startsWith("~/")
                    ? Path.of(System.getProperty("user.home"), raw.substring(1).replaceFirst("^/", ""))
                    : Path.of(raw);
        }

        String required(SurgeOption option) {
            String raw = values.get(option.key());
            if (raw.isEmpty()) {
                throw invalid(option, "it is empty", "give a value; the default is " + option.defaultValue());
            }
            return raw;
        }

        /** The value, or null when it is empty. */
        String optional(SurgeOption option) {
            String raw = values.get(option.key());
            return raw.isEmpty() ? null : raw;
        }

        /** A secret given as a value or as a file holding it (trailing line breaks dropped); null when neither. */
        String secret(SurgeOption value, SurgeOption file) {
            String direct = optional(value);
            String path = optional(file);
            if (direct != null && path != null) {
                throw invalid(file, "it is set as well as " + value.key(), "give only one of them");
            }
            if (path == null) {
                return direct;
            }
            try {
                String read = Files.readString(Path.of(path)).replaceAll("[\\r\\n]+$", "");
                if (read.isEmpty()) {
                    throw invalid(file, "the file " + path + " is empty", "write the secret into it");
                }
                return read;
            } catch (IOException e) {
                throw invalid(
                        file,
                        "the file " + path + " cannot be read (" + e.getClass().getSimpleName() + ")",
                        "check the path and that this user may read it");
            }
        }

        /** The stores, each opened here, so that a wrong path or password stops surge before it connects anywhere. */
        TlsStores tls(StoreOptions trust, StoreOptions keys) {
            return new TlsStores(
                    optional(trust.store()), storePassword(trust), optional(keys.store()), storePassword(keys));
        }

        /** Refuses stores that would not be used, as they are likely meant for a connection that should use TLS. */
        void unused(List<StoreOptions> stores, String why, String fix) {
            for (StoreOptions options : stores) {
                if (optional(options.store()) != null) {
                    throw invalid(options.store(), "it is set but " + why, fix);
                }
            }
        }

        /** The store's password, once the store opened with it and holds what it is for; null without a store. */
        private String storePassword(StoreOptions options) {
            String path = optional(options.store());
            String password = secret(options.password(), options.passwordFile());
            SurgeOption passwordOption =
                    optional(options.passwordFile()) != null ? options.passwordFile() : options.password();
            if (path == null) {
                if (password != null) {
                    throw invalid(
                            passwordOption,
                            "it is set but " + options.store().key() + " is empty",
                            "set " + options.store().key() + " too, or leave both empty");
                }
                return null;
            }
            if (!Files.isRegularFile(Path.of(path)) || !Files.isReadable(Path.of(path))) {
                throw invalid(
                        options.store(),
                        "the file " + path + " cannot be read",
                        "check the path and that this user may read it");
            }
            KeyStore store;
            try {
                store = TlsStores.load(path, password);
            } catch (IOException e) {
                if (e.getCause() instanceof UnrecoverableKeyException) {
                    throw invalid(
                            passwordOption,
                            "it does not open " + path + " (" + e.getMessage() + ")",
                            "give that store's password in "
                                    + options.password().key() + " or "
                                    + options.passwordFile().key());
                }
                throw notAStore(options, path, e);
            } catch (GeneralSecurityException e) {
                throw notAStore(options, path, e);
            }
            if (!holds(store, options.holdsKey())) {
                throw invalid(
                        options.store(),
                        path + " holds no " + (options.holdsKey() ? "private key" : "CA certificate")
                                + (password == null ? ", or does not show it without a password" : ""),
                        options.holdsKey()
                                ? "give the key store with surge's key and certificate (keytool -genkeypair)"
                                : "import the CA's certificate into it (keytool -importcert)"
                                        + (password == null
                                                ? ", or set "
                                                        + options.password().key()
                                                : ""));
            }
            if (options.holdsKey()) {
                keyOpens(store, path, password, options, passwordOption);
            }
            return password;
        }

        /** A key store's key must open with the store's password: Kafka and the JDK take one password for both. */
        private void keyOpens(
                KeyStore store, String path, String password, StoreOptions options, SurgeOption passwordOption) {
            String fix = "give the key store's password in "
                    + options.password().key() + " or "
                    + options.passwordFile().key() + "; a key whose password differs from its store's is not taken:"
                    + " make them one with keytool -keypasswd";
            if (password == null) {
                throw invalid(
                        options.store(),
                        "the key in " + path + " needs a password, but "
                                + options.password().key() + " is empty",
                        fix);
            }
            try {
                for (String alias : Collections.list(store.aliases())) {
                    if (store.isKeyEntry(alias)) {
                        store.getKey(alias, password.toCharArray());
                    }
                }
            } catch (UnrecoverableKeyException e) {
                throw invalid(passwordOption, "it opens " + path + " but not the key in it", fix);
            } catch (GeneralSecurityException e) {
                throw notAStore(options, path, e);
            }
        }

        private ConfigException notAStore(StoreOptions options, String path, Exception e) {
            return invalid(
                    options.store(),
                    path + " is not a PKCS12 or JKS store (" + e.getMessage() + ")",
                    options.holdsKey()
                            ? "give such a store; from PEM files: openssl pkcs12 -export -in surge.crt -inkey"
                                    + " surge.key -out surge.p12"
                            : "give such a store; from a CA's PEM file: keytool -importcert -file ca.crt -keystore"
                                    + " truststore.p12");
        }

        private static boolean holds(KeyStore store, boolean key) {
            try {
                for (String alias : Collections.list(store.aliases())) {
                    if (key ? store.isKeyEntry(alias) : store.isCertificateEntry(alias)) {
                        return true;
                    }
                }
                return false;
            } catch (KeyStoreException e) {
                throw new IllegalStateException("a loaded key store refused to list its entries", e);
            }
        }

        /** One of the allowed values, matched ignoring case, as spelled in {@code allowed}. */
        String oneOf(SurgeOption option, String... allowed) {
            String raw = values.get(option.key());
            return Arrays.stream(allowed)
                    .filter(choice -> choice.equalsIgnoreCase(raw))
                    .findFirst()
                    .orElseThrow(() -> {
                        String choices = Arrays.stream(allowed)
                                .map(choice -> choice.toLowerCase(Locale.ROOT))
                                .collect(Collectors.joining(", "));
                        return invalid(option, "'" + raw + "' is not one of " + choices, "use one of " + choices);
                    });
        }

        boolean bool(SurgeOption option) {
            String raw = values.get(option.key());
            if (raw.equalsIgnoreCase("true") || raw.equalsIgnoreCase("false")) {
                return Boolean.parseBoolean(raw);
            }
            throw invalid(option, "'" + raw + "' is not true or false", "use true or false");
        }

        Duration duration(SurgeOption option) {
            return duration(option, false);
        }

        TrustedKeys trustedKeys(SurgeOption option) {
            String file = optional(option);
            if (file == null) {
                return TrustedKeys.ANYONE;
            }
            String fix = "point it at a file of PEM public keys, such as the .pub that surge rules keygen writes";
            try {
                return TrustedKeys.parse(Files.readString(Path.of(file)));
            } catch (IOException e) {
                throw invalid(option, "cannot read " + file + " (" + e.getMessage() + ")", fix);
            } catch (IllegalArgumentException e) {
                throw invalid(option, file + ": " + e.getMessage(), fix);
            }
        }

        List<Area> areas(SurgeOption option) {
            try {
                return Area.parseAll(values.get(option.key()));
            } catch (IllegalArgumentException e) {
                throw invalid(
                        option,
                        e.getMessage(),
                        "write boxes as south,west,north,east separated by ;, such as" + " 40.49,-74.27,40.92,-73.68");
            }
        }

        Duration duration(SurgeOption option, boolean zeroAllowed) {
            String raw = values.get(option.key());
            Duration duration;
            try {
                duration = TimeUtils.parseDuration(raw);
            } catch (RuntimeException e) {
                throw invalid(option, "'" + raw + "' is not a duration", "write it like 30s, 500ms, 2min or 1h");
            }
            if (duration.isNegative() || (!zeroAllowed && duration.isZero())) {
                throw invalid(
                        option,
                        "'" + raw + "' must be " + (zeroAllowed ? "zero or more" : "positive"),
                        "the default is " + option.defaultValue());
            }
            if (duration.toNanos() % 1_000_000 != 0) {
                throw invalid(option, "'" + raw + "' is finer than a millisecond", "use whole milliseconds");
            }
            return duration;
        }

        int integer(SurgeOption option, int min, int max) {
            return number(option, Integer::valueOf, min, max, "a whole number");
        }

        double decimal(SurgeOption option, double min, double max) {
            return number(option, Double::valueOf, min, max, "a number");
        }

        private <N extends Comparable<N>> N number(
                SurgeOption option, Function<String, N> parse, N min, N max, String what) {
            String raw = values.get(option.key());
            try {
                N value = parse.apply(raw);
                if (value.compareTo(min) >= 0 && value.compareTo(max) <= 0) {
                    return value;
                }
            } catch (NumberFormatException e) {
                // reported below with the same message as an out-of-range number
            }
            throw invalid(
                    option,
                    "'" + raw + "' is not " + what + " from " + min + " to " + max,
                    "the default is " + option.defaultValue());
        }

        <E extends Enum<E>> E choice(SurgeOption option, Class<E> type) {
            String raw = values.get(option.key());
            try {
                return Enum.valueOf(type, raw.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                String choices = Arrays.stream(type.getEnumConstants())
                        .map(c -> c.name().toLowerCase(Locale.ROOT))
                        .collect(Collectors.joining(" or "));
                throw invalid(option, "'" + raw + "' is not one of " + choices, "use " + choices);
            }
        }

        ConfigException invalid(SurgeOption option, String problem, String fix) {
            return new ConfigException(
                    sources.get(option.key()) + ": option " + option.key() + ": " + problem + "; " + fix + ".");
        }
    }
}
