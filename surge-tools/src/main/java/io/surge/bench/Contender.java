package io.surge.bench;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/** The contenders a benchmark run can compare, by the name {@code surge bench --contenders} takes. */
public enum Contender {
    SEED_DESIGN("seed-design", "seed design (baseline)"),
    FLINK_SQL("flink-sql", "Flink SQL (HOP, mini-batch)"),
    KAFKA_STREAMS("kafka-streams", "Kafka Streams (hopping)"),
    SURGE_EXACTLY_ONCE("surge-exactly-once", "surge, exactly-once"),
    SURGE_AT_LEAST_ONCE("surge-at-least-once", "surge, at-least-once"),
    SURGE_MULTIPLIERS_ONLY("surge-multipliers-only", "surge, no rules, exactly-once");

    /** Surge's own runs, which share the job's code. */
    static final Set<Contender> SURGE = EnumSet.of(SURGE_EXACTLY_ONCE, SURGE_AT_LEAST_ONCE, SURGE_MULTIPLIERS_ONLY);

    private final String id;
    private final String label;

    Contender(String id, String label) {
        this.id = id;
        this.label = label;
    }

    /** The name on the command line and in the contender's topic names. */
    public String id() {
        return id;
    }

    /** The name in the table. */
    public String label() {
        return label;
    }

    public static Contender byId(String id) {
        for (Contender contender : values()) {
            if (contender.id.equals(id)) {
                return contender;
            }
        }
        throw new IllegalArgumentException("no contender '" + id + "'; choose from " + ids());
    }

    private static String ids() {
        return Arrays.stream(values()).map(Contender::id).collect(Collectors.joining(", "));
    }
}
