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
 * Reads every log event of this JVM at INFO and above while open, and keeps those that contain one of the texts, with
 * their stack traces, so that a test can assert that something is never logged: a credential, a line of a loop.
 */
public final class LogWatch extends AbstractAppender implements AutoCloseable {

    private final List<String> texts;
    private final List<String> matches = new CopyOnWriteArrayList<>();
    private final AtomicLong seen = new AtomicLong();
    private final Level previousLevel;

    private LogWatch(List<String> texts) {
        super("log-watch", null, null, true, Property.EMPTY_ARRAY);
        this.texts = texts;
        LoggerConfig root = configuration().getRootLogger();
        this.previousLevel = root.getLevel();
        start();
        root.addAppender(this, Level.INFO, null);
        root.setLevel(Level.INFO);
        context().updateLoggers();
    }

    public static LogWatch watch(String... texts) {
        return new LogWatch(List.of(texts));
    }

    @Override
    public void append(LogEvent event) {
        seen.incrementAndGet();
        StringBuilder text = new StringBuilder(event.getMessage().getFormattedMessage());
        for (Throwable t = event.getThrown(); t != null; t = t.getCause()) {
            text.append('\n').append(t);
        }
        for (String watched : texts) {
            if (text.indexOf(watched) >= 0) {
                matches.add(event.getLoggerName() + ": " + text);
            }
        }
    }

    /** Log events that contain one of the texts. */
    public List<String> matches() {
        return List.copyOf(matches);
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
