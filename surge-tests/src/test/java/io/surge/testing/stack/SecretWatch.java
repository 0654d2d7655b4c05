package io.surge.testing.stack;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * Reads every log event of this JVM at INFO and above while open, and keeps those that contain one of the secrets,
 * with their stack traces, so that a test can assert that no credential is ever logged.
 */
public final class SecretWatch extends AbstractAppender implements AutoCloseable {

    private final List<String> secrets;
    private final List<String> leaks = new CopyOnWriteArrayList<>();
    private final AtomicLong seen = new AtomicLong();
    private final Level previousLevel;

    private SecretWatch(List<String> secrets) {
        super("secret-watch", null, null, true, Property.EMPTY_ARRAY);
        this.secrets = secrets;
        LoggerConfig root = configuration().getRootLogger();
        this.previousLevel = root.getLevel();
        start();
        root.addAppender(this, Level.INFO, null);
        root.setLevel(Level.INFO);
        context().updateLoggers();
    }

    public static SecretWatch watch(String... secrets) {
        return new SecretWatch(List.of(secrets));
    }

    @Override
    public void append(LogEvent event) {
        seen.incrementAndGet();
        StringBuilder text = new StringBuilder(event.getMessage().getFormattedMessage());
        for (Throwable t = event.getThrown(); t != null; t = t.getCause()) {
            text.append('\n').append(t);
        }
        for (String secret : secrets) {
            if (text.indexOf(secret) >= 0) {
                leaks.add(event.getLoggerName() + ": " + text);
            }
        }
    }

    /** Log events that contain a secret. */
    public List<String> leaks() {
        return List.copyOf(leaks);
    }

    /** How many log events were read: a watch that read none proves nothing. */
    public long seen() {
        return seen.get();
    }

    @Override
    public void close() {
        LoggerConfig root = configuration().getRootLogger();
        root.removeAppender(getName());
        root.setLevel(previousLevel);
        context().updateLoggers();
        stop();
    }

    private static LoggerContext context() {
        return (LoggerContext) LogManager.getContext(false);
    }

    private static Configuration configuration() {
        return context().getConfiguration();
    }
}
