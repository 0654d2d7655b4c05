package io.surge.config;

import java.util.Arrays;
import java.util.Optional;

/** Every option surge takes, with its default and what it means: the one list that help texts and parsing share. */
public enum SurgeOption {
    WINDOW_SIZE("window.size", "30s", "Length of each sliding surge window; a whole multiple of window.slide."),
    WINDOW_SLIDE("window.slide", "5s", "How often windows close: one result per zone every slide."),
    ALLOWED_LATENESS(
            "window.allowed-lateness",
            "0s",
            "Event time a window waits past its end before it is emitted; a record arriving after all its windows"
                    + " were emitted is late."),
    OUT_OF_ORDERNESS(
            "watermark.out-of-orderness",
            "5s",
            "How far behind the largest event time seen a record may be and still be counted."),
    IDLENESS("watermark.idleness", "10s", "A source partition silent this long stops holding the watermark back."),
    ZONES("zones", "grid", "Zone scheme: grid (0.01 degree cells) or h3."),
    H3_RESOLUTION("zones.h3-resolution", "8", "H3 cell resolution, 0 to 15, used when zones is h3."),
    MAX_FUTURE_SKEW(
            "input.max-future-skew",
            "1h",
            "Records whose event_time is further ahead of processing time are dead-lettered as invalid-field."),
    CHECKPOINT_INTERVAL(
            "checkpoint.interval", "5s", "Checkpoint period; exactly-once output becomes visible at each checkpoint."),
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

    public static Optional<SurgeOption> byKey(String key) {
        return Arrays.stream(values()).filter(option -> option.key.equals(key)).findFirst();
    }
}
