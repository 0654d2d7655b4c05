package io.surge.config;

/** Where keyed state lives; the value is Flink's {@code state.backend.type}. */
public enum StateBackendKind {
    ROCKSDB("rocksdb"),
    HASHMAP("hashmap");

    private final String flinkName;

    StateBackendKind(String flinkName) {
        this.flinkName = flinkName;
    }

    public String flinkName() {
        return flinkName;
    }
}
