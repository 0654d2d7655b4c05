package io.surge.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.FileAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;

/**
 * The demo's console is its own screen: while it runs, every log line, surge's and its libraries' alike, goes to a
 * file instead, with the levels and filters of {@code log4j2.properties} as they are.
 */
final class DemoLog implements AutoCloseable {

    private static final String CONSOLE = "Console";

    private final LoggerContext context;
    private final FileAppender file;
    private final List<LoggerConfig> moved;

    private DemoLog(LoggerContext context, FileAppender file, List<LoggerConfig> moved) {
        this.context = context;
        this.file = file;
        this.moved = moved;
    }

    /** Moves logging from the console to {@code file}, which it starts afresh, until closed. */
    static DemoLog to(Path file) {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Configuration config = context.getConfiguration();
        FileAppender appender = FileAppender.newBuilder()
                .setName("demo-file")
                .withFileName(file.toString())
                .withAppend(false)
                .setLayout(PatternLayout.newBuilder()
                        .withPattern("%d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %c{1} - %m%n")
                        .build())
                .setConfiguration(config)
                .build();
        appender.start();
        config.addAppender(appender);
        List<LoggerConfig> moved = new ArrayList<>();
        for (LoggerConfig logger : config.getLoggers().values()) {
            if (logger.getAppenders().containsKey(CONSOLE)) {
                logger.removeAppender(CONSOLE);
                logger.addAppender(appender, null, null);
                moved.add(logger);
            }
        }
        context.updateLoggers();
        return new DemoLog(context, appender, moved);
    }

    /** Back to the console, as before the demo. */
    @Override
    public void close() {
        Appender console = context.getConfiguration().getAppender(CONSOLE);
        for (LoggerConfig logger : moved) {
            logger.removeAppender(file.getName());
            if (console != null) {
                logger.addAppender(console, null, null);
            }
        }
        context.updateLoggers();
        file.stop();
    }
}
