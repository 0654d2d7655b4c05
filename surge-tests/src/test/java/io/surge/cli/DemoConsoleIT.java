package io.surge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.surge.embedded.ChildProcess;
import io.surge.testing.stack.SurgeProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a newcomer's terminal shows during {@code surge demo}: the console and nothing else. The demo runs in a
 * pseudo-terminal of its own ({@code script} from util-linux, part of every Debian), started the way the
 * {@code surge} script starts it, and everything the terminal received is read back.
 */
class DemoConsoleIT {

    private static final Pattern ESCAPES = Pattern.compile("\u001B\\[[0-9;?]*[A-Za-z]");
    // every shape of line the demo prints: its start, each screen of the console, its end
    private static final List<Pattern> CONSOLE = Stream.of(
                    "surge demo: starting Kafka, the Schema Registry and Flink\\.\\.\\. \\(log: \\S+\\)",
                    "metrics: http://localhost:\\d+/metrics",
                    "Flink web UI: http://localhost:\\d+",
                    "bootstrap=localhost:\\d+",
                    "registry=http://\\S+",
                    "dashboard: http://\\S+",
                    "surge demo  \\d\\d:\\d\\d:\\d\\d   in [\\d,]+ events/s   out [\\d,]+ results/s   results lag the city"
                            + " clock by (-|[\\d.]+ s)   last checkpoint: (none yet|unknown|#\\d+, [\\d.-]+ s ago)",
                    "",
                    "hottest zones +multiplier +raw +demand +supply +window",
                    "\\S+ +\\d+\\.\\d\\dx +\\d+\\.\\d\\dx +\\d+ +\\d+   \\d\\d:\\d\\d:\\d\\d \\.\\. \\d\\d:\\d\\d:\\d\\d",
                    "open episodes \\(\\d+\\)",
                    "since \\d\\d:\\d\\d:\\d\\d  (INFO|WARNING|CRITICAL) +\\S+ +\\S+",
                    "latest alerts \\(\\d+ so far\\)",
                    "\\d\\d:\\d\\d:\\d\\d  (FIRING|RESOLVED) +(INFO|WARNING|CRITICAL) +\\S+ +.+",
                    "  none yet: .+",
                    "live map: http://\\S+   log: \\S+   Ctrl-C stops everything\\.",
                    "surge demo: stopping; [\\d,]+ events sent, [\\d,]+ results and [\\d,]+ alerts seen")
            .map(Pattern::compile)
            .toList();

    @TempDir
    Path work;

    @Test
    void theTerminalShowsTheConsoleAndTheLogGoesToTheFileItNames() throws Exception {
        Path tmp = Files.createDirectories(work.resolve("tmp"));
        Path typescript = work.resolve("terminal.txt");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // as a user's terminal runs it: without the JVM options this suite gives its processes (pom.xml), which the
        // JDK's launcher would announce on the terminal
        String demo = Stream.of(
                        "env",
                        "-u",
                        "JDK_JAVA_OPTIONS",
                        java,
                        "-Xmx1g",
                        "-Djava.io.tmpdir=" + tmp.toAbsolutePath(),
                        "-cp",
                        SurgeProcess.classpath(),
                        "io.surge.cli.SurgeCli",
                        "demo",
                        "--duration",
                        "40s",
                        "--dashboard-port",
                        "0")
                .map(word -> "'" + word.replace("'", "'\\''") + "'")
                .collect(Collectors.joining(" "));

        String screen;
        try (ChildProcess terminal = ChildProcess.start(
                "surge demo in a terminal",
                List.of("script", "--quiet", "--return", "--flush", "--command", demo, typescript.toString()),
                work.resolve("script.log"),
                Path.of("").toAbsolutePath())) {
            OptionalInt exit = terminal.awaitExit(Duration.ofMinutes(3));
            screen =
                    ESCAPES.matcher(Files.readString(typescript)).replaceAll("").replace("\r", "");
            assertThat(exit)
                    .as("the demo's exit; the terminal shows:%n%s", screen)
                    .hasValue(0);
        }

        List<String> lines = screen.lines()
                .filter(line -> !line.startsWith("Script started on") && !line.startsWith("Script done on"))
                .toList();
        Path log = tmp.resolve("surge-demo.log");
        assertThat(lines)
                .as("the terminal")
                .anyMatch(line -> line.startsWith("surge demo: starting"))
                .anyMatch(line -> line.startsWith("hottest zones"))
                .anyMatch(line -> line.startsWith("open episodes"))
                .anyMatch(line -> line.startsWith("latest alerts"))
                .anyMatch(line -> line.contains("log: " + log.toAbsolutePath()))
                .anyMatch(line -> line.startsWith("surge demo: stopping"));
        assertThat(lines.stream()
                        .filter(line -> CONSOLE.stream()
                                .noneMatch(shape -> shape.matcher(line).matches())))
                .as("lines on the terminal that are not the console's")
                .isEmpty();

        String logged = Files.readString(log);
        assertThat(logged)
                .as("the demo's log file")
                .contains(" INFO ")
                .doesNotContain("Group already contains a Metric with the name 'pendingCommittables'")
                .doesNotContain("Group already contains a Metric with the name 'currentSendTime'");
    }
}
