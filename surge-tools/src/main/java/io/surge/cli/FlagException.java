package io.surge.cli;

import java.time.Duration;
import org.apache.flink.util.TimeUtils;

/** A command's flag has a value the command cannot take; the message names the flag and what it takes. */
final class FlagException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    FlagException(String message) {
        super(message);
    }

    /** A flag's value as a positive duration, or this naming the flag. */
    static Duration duration(String flag, String value) {
        try {
            Duration duration = TimeUtils.parseDuration(value);
            if (!duration.isZero() && !duration.isNegative()) {
                return duration;
            }
        } catch (RuntimeException e) {
            // named below
        }
        throw new FlagException(flag + " " + value + " is not a duration; write it like 60s or 10min");
    }
}
