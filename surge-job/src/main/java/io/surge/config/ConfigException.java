package io.surge.config;

/** Configuration that surge cannot run with; the message names where it came from, the option and the fix. */
public final class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    /**
     * A server of surge's that cannot listen where it was told to, most often because the port is taken.
     *
     * @param what the server, e.g. "the dashboard"
     * @param fix the options to change, e.g. "choose another --metrics-port, or check --metrics-host"
     */
    public static ConfigException cannotListen(String what, String host, int port, Exception cause, String fix) {
        return new ConfigException(what + " cannot listen on " + host + ":" + port + " (" + cause.getMessage()
                + "); is the port taken? " + fix);
    }
}
