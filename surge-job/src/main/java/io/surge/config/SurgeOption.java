package io.surge.config;

import io.surge.ingest.Input;
import java.util.Arrays;
import java.util.Optional;

/** Every option surge takes, with its default and what it means: the one list that help texts and parsing share. */
public enum SurgeOption {
    KAFKA_BOOTSTRAP("kafka.bootstrap", "localhost:9092", "Kafka bootstrap servers, host:port[,host:port...]."),
    KAFKA_SECURITY_PROTOCOL(
            "kafka.security-protocol",
            "plaintext",
            "plaintext, ssl, sasl_plaintext or sasl_ssl. The ssl ones trust kafka.ssl.truststore (or the JVM's trust"
                    + " store) and show kafka.ssl.keystore's certificate to brokers that ask for one; SASL needs"
                    + " kafka.sasl.username."),
    KAFKA_SSL_TRUSTSTORE(
            "kafka.ssl.truststore",
            "",
            "Trust store (PKCS12 or JKS) of the CAs that sign the brokers' certificates; empty for the JVM's. The path"
                    + " must hold it wherever the job runs."),
    KAFKA_SSL_TRUSTSTORE_PASSWORD("kafka.ssl.truststore-password", "", "Password of kafka.ssl.truststore."),
    KAFKA_SSL_TRUSTSTORE_PASSWORD_FILE(
            "kafka.ssl.truststore-password-file", "", "File holding the password of kafka.ssl.truststore."),
    KAFKA_SSL_KEYSTORE(
            "kafka.ssl.keystore",
            "",
            "Key store (PKCS12 or JKS) of surge's private key and certificate, for brokers that require client"
                    + " certificates (mutual TLS); its password is also the key's. The path must hold it wherever the"
                    + " job runs."),
    KAFKA_SSL_KEYSTORE_PASSWORD("kafka.ssl.keystore-password", "", "Password of kafka.ssl.keystore."),
    KAFKA_SSL_KEYSTORE_PASSWORD_FILE(
            "kafka.ssl.keystore-password-file", "", "File holding the password of kafka.ssl.keystore."),
    KAFKA_SASL_MECHANISM("kafka.sasl.mechanism", "scram-sha-512", "scram-sha-256, scram-sha-512 or plain."),
    KAFKA_SASL_USERNAME("kafka.sasl.username", "", "SASL user of every Kafka client of surge."),
    KAFKA_SASL_PASSWORD("kafka.sasl.password", "", "SASL password; never logged. Prefer kafka.sasl.password-file."),
    KAFKA_SASL_PASSWORD_FILE(
            "kafka.sasl.password-file", "", "File holding the SASL password (a mounted secret), instead of the value."),
    REGISTRY_URL(
            "registry.url",
            "http://localhost:8085/apis/ccompat/v7",
            "Base URL of the Confluent-compatible Schema Registry API (Confluent's schema.registry.url)."),
    REGISTRY_USERNAME("registry.username", "", "Basic-auth user for the registry; empty for none."),
    REGISTRY_PASSWORD(
            "registry.password",
            "",
            "Basic-auth password for the registry; never logged. Prefer registry.password-file."),
    REGISTRY_PASSWORD_FILE(
            "registry.password-file",
            "",
            "File holding the registry password (a mounted secret), instead of the value."),
    REGISTRY_TRUSTSTORE(
            "registry.truststore", "", "Trust store (PKCS12 or JKS) for an https:// registry; empty for the JVM's."),
    REGISTRY_TRUSTSTORE_PASSWORD("registry.truststore-password", "", "Password of registry.truststore."),
    REGISTRY_TRUSTSTORE_PASSWORD_FILE(
            "registry.truststore-password-file", "", "File holding the password of registry.truststore."),
    REGISTRY_KEYSTORE(
            "registry.keystore",
            "",
            "Key store (PKCS12 or JKS) of surge's private key and certificate, for a registry that requires client"
                    + " certificates; its password is also the key's."),
    REGISTRY_KEYSTORE_PASSWORD("registry.keystore-password", "", "Password of registry.keystore."),
    REGISTRY_KEYSTORE_PASSWORD_FILE(
            "registry.keystore-password-file", "", "File holding the password of registry.keystore."),
    SECURITY_ALLOW_CLEARTEXT_CREDENTIALS(
            "security.allow-cleartext-credentials",
            "false",
            "Allow credentials that cross the network readable: registry basic auth over http://, SASL plain over"
                    + " sasl_plaintext. For a test bed only."),
    REGISTRY_RETRY_FOR(
            "registry.retry-for",
            "30s",
            "How long a registry call retries while the registry cannot be reached, before the job fails."),
    REGISTRY_AUTO_REGISTER(
            "registry.auto-register",
            "true",
            "Register the output schemas at start; with false they must already be registered."),
    TOPIC_RIDE_REQUESTS("topics.ride-requests", "ride-requests", "Input topic of RideRequest records."),
    TOPIC_DRIVER_STATUS("topics.driver-status", "driver-status", "Input topic of DriverStatus records."),
    TOPIC_MULTIPLIERS("topics.multipliers", "surge-multipliers", "Output topic of SurgeMultiplier records."),
    TOPIC_ALERTS("topics.alerts", "surge-alerts", "Output topic of SurgeAlert records."),
    TOPIC_LATE_EVENTS("topics.late-events", "surge-late-events", "Where late input records go, unchanged."),
    TOPIC_DEAD_LETTERS("topics.dead-letters", "surge-dead-letters", "Where rejected input records go, unchanged."),
    TOPIC_RULES(
            "topics.rules",
            "surge-rules",
            "Compacted topic of the RuleSet versions 'surge rules deploy' publishes; the job reads every version."),
    TOPIC_PARTITIONS("topics.partitions", "4", "Partitions of the topics surge creates when they are missing."),
    DIVERTED_MAX_BYTES(
            "output.diverted-max-bytes",
            "524288",
            "A late or dead-lettered record whose key and value take more bytes than this is written as a bounded"
                    + " copy (key cut to 1 KiB, value to what is left), with headers giving the original sizes and"
                    + " SHA-256; keep it below the producer's max.request.size and the topics' max.message.bytes"
                    + " (about 1 MB by default)."),
    JOB_NAME(
            "job.name",
            "surge",
            "Name of the Flink job; also the Kafka consumer group and the prefix of transactional ids."),
    WINDOW_SIZE("window.size", "30s", "Length of each sliding surge window; a whole multiple of window.slide."),
    WINDOW_SLIDE("window.slide", "5s", "How often windows close: one result per zone every slide."),
    ALLOWED_LATENESS(
            "window.allowed-lateness",
            "0s",
            "Event time a window waits past its end before it is emitted; a record arriving after all its windows"
                    + " were emitted is late."),
    PRICING_NEIGHBOUR_WEIGHT(
            "pricing.neighbour-weight",
            "0.25",
            "Weight of each neighbouring zone's demand and supply (the 8 grid cells around, or the H3 cells one step"
                    + " away) pooled into a zone's price; 0 prices each zone alone."),
    PRICING_PSEUDO_COUNT(
            "pricing.pseudo-count",
            "3",
            "Balanced requests and drivers added to the pooled counts before the ratio is taken: (demand + k) /"
                    + " (supply + k), so a price moves away from 1.0 only on evidence; 0 takes the ratio as it is."),
    PRICING_MAX_STEP(
            "pricing.max-step",
            "0.5",
            "Most a zone's published multiplier moves from one slide to the next, up or down."),
    PRICING_DEADBAND(
            "pricing.deadband",
            "0.5",
            "A zone's published multiplier holds while its target stays within this of it (unless the target is"
                    + " 1.0), so it does not flip back and forth on noise; 0 follows every change."),
    PRICING_CAP("pricing.cap", "5.0", "Highest published multiplier anywhere, from 1.0 to 5.0."),
    PRICING_CAPS_FILE(
            "pricing.caps-file",
            "",
            "A YAML file of caps by area and time span (an emergency cap, a regulated market), each lowering the"
                    + " published multiplier of its zones while in force; see docs/semantics.md. Empty for none."),
    OUT_OF_ORDERNESS(
            "watermark.out-of-orderness",
            "5s",
            "How far behind the largest event time seen a record may be and still be counted."),
    IDLENESS("watermark.idleness", "10s", "A source partition silent this long stops holding the watermark back."),
    WATERMARK_INTERVAL(
            "watermark.interval",
            "20ms",
            "How often sources move the watermark on: a window closes up to this long after its end plus the"
                    + " out-of-orderness bound."),
    BUFFER_TIMEOUT(
            "network.buffer-timeout",
            "5ms",
            "Longest a record waits in a part-filled network buffer between operators: lower gives results sooner"
                    + " at low rates; at high rates buffers fill first anyway."),
    ALERTS_DIR("alerts.dir", "alerts", "Directory of alert rule files (*.yaml); each is checked at start."),
    ALERTS_TIME_BUCKET(
            "alerts.time-bucket",
            "100ms",
            "Rules on zone events hand records to Flink CEP stamped with the end of a bucket this long, so that CEP"
                    + " does its per-zone work once per bucket, not once per event; rules still match on the events'"
                    + " own times, so alerts are the same, raised up to this much later. 1ms turns it off."),
    RULES_TRUSTED_KEYS(
            "rules.trusted-keys",
            "",
            "A file of Ed25519 public keys (PEM, as surge rules keygen writes"
                    + " them): the job applies only deployed rule set versions signed by one of them (surge rules deploy"
                    + " --key) and refuses the rest. Empty (the default): anyone who can write to the rules topic deploys."),
    ZONES("zones", "grid", "Zone scheme: grid (0.01 degree cells) or h3."),
    H3_RESOLUTION("zones.h3-resolution", "8", "H3 cell resolution, 0 to 15, used when zones is h3."),
    ZONE_BOUNDS(
            "zones.bounds",
            "",
            "Where the service runs: boxes south,west,north,east in degrees, separated by ;"
                    + " (e.g. 40.49,-74.27,40.92,-73.68 for New York City). Records outside every box are dead-lettered as"
                    + " out-of-area, so that coordinates sprayed anywhere on Earth cannot make zones nobody serves."
                    + " Empty (the default): anywhere, for a world deployment."),
    MAX_FUTURE_SKEW(
            "input.max-future-skew",
            "30s",
            "Records whose event_time is further ahead of processing time are dead-lettered as future-event-time."
                    + " Producers' clocks are NTP-synced, within a second; a record further ahead comes from a clock"
                    + " that runs fast."),
    INPUT_BOUNDED(
            "input.bounded",
            "false",
            "Stop at the end the input topics have at start, emitting every window still open: for backfills and"
                    + " benchmarks."),
    OUTPUT_DELIVERY(
            "output.delivery",
            "exactly-once",
            "exactly-once (Kafka transactions: results visible at each checkpoint) or at-least-once (visible at"
                    + " once; a failure may repeat results already written)."),
    CHECKPOINT_INTERVAL(
            "checkpoint.interval", "5s", "Checkpoint period; exactly-once output becomes visible at each checkpoint."),
    CHECKPOINT_PACING(
            "checkpoint.pacing",
            "windows",
            "When surge run and surge demo start a checkpoint: windows (with exactly-once outputs as soon as a"
                    + " slide's results are being written, at most one per 0.8 window.slide, so that exactly-once"
                    + " results commit about a checkpoint's duration after their windows close; with at-least-once"
                    + " outputs half a slide after that, so that the state written back before a checkpoint's"
                    + " barrier is not written as a window closes; Flink's clock starts one whenever none has"
                    + " completed for a checkpoint.interval) or interval (Flink's clock alone, every"
                    + " checkpoint.interval from a phase of its own). A job on a Flink cluster checkpoints on Flink's"
                    + " clock."),
    CHECKPOINT_TIMEOUT(
            "checkpoint.timeout",
            "5min",
            "A checkpoint not complete after this long is abandoned; part of the transaction-timeout rule (see"
                    + " kafka.transaction-timeout)."),
    CHECKPOINT_DIR(
            "checkpoint.dir",
            "",
            "Where checkpoints are kept (file://, s3://, ...), retained on cancellation and crash. surge run keeps"
                    + " a job's under <checkpoint.dir>/<job.name>, and by default under state.dir; on a cluster,"
                    + " empty leaves it to the cluster's execution.checkpointing.dir."),
    STATE_DIR(
            "state.dir",
            "~/.surge/state",
            "Where surge run keeps each job's local state, in <state.dir>/<job.name>: its retained checkpoints"
                    + " (unless checkpoint.dir is set), the Kafka cluster they belong to, a lock, and tmp, the running"
                    + " process's Flink files (RocksDB's working copy of the state, the local cluster's), cleared at"
                    + " each start; keep it on a local disk. A restart with the same job.name resumes from the newest"
                    + " complete checkpoint there."),
    KAFKA_TRANSACTION_TIMEOUT(
            "kafka.transaction-timeout",
            "15min",
            "Kafka transaction timeout of the exactly-once outputs. The broker aborts a transaction open longer, so"
                    + " it must be at least checkpoint.interval + checkpoint.timeout + recovery.max-downtime, and at"
                    + " most the broker's transaction.max.timeout.ms (15 min by default)."),
    RECOVERY_MAX_DOWNTIME(
            "recovery.max-downtime",
            "5min",
            "How long the job may be down (a crash until the restarted job has restored its checkpoint) and still"
                    + " commit the results of its last checkpoint; part of the kafka.transaction-timeout rule."),
    STATE_BACKEND(
            "state.backend", "rocksdb", "rocksdb (incremental checkpoints, for production) or hashmap (on the heap).");

    private final String key;
    private final String defaultValue;
    private final String description;

    SurgeOption(String key, String defaultValue, String description) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.description = description;
    }

    public String key() {
        return key;
    }

    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }

    /** The option that names an input's topic. */
    public static SurgeOption topicOf(Input input) {
        return switch (input) {
            case RIDE_REQUESTS -> TOPIC_RIDE_REQUESTS;
            case DRIVER_STATUS -> TOPIC_DRIVER_STATUS;
        };
    }

    public static Optional<SurgeOption> byKey(String key) {
        return Arrays.stream(values()).filter(option -> option.key.equals(key)).findFirst();
    }
}
