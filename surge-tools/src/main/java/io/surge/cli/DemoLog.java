package io.surge.cli;

import java.nio.file.Path;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.FileAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;

/**
 * The demo's console is its own screen: from its start, every log line, surge's and its libraries' alike, goes to a
 * file instead, with the levels and filters of {@code log4j2.properties} as they are. It stays there for the rest of
 * the process: the demo is the process's last work, and Flink's and Kafka's clients still log while they shut down
 * after it (a consumer that lost its broker, say), which the terminal is not to show.
 */
final class DemoLog {

    private static final String CONSOLE = "Console";

    private DemoLog() {}

    /** Moves logging from the console to {@code file}, which it starts afresh. */
    static void to(Path file) {
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
        for (LoggerConfig logger : config.getLoggers().values()) {
            if (logger.getAppenders().containsKey(CONSOLE)) {
                logger.removeAppender(CONSOLE);
                logger.addAppender(appender, null, null);
            }
        }
        context.updateLoggers();
    }
}
