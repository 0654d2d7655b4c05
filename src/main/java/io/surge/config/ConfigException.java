package io.surge.config;

/** Configuration that surge cannot run with; the message names where it came from, the option and the fix. */
public final class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
