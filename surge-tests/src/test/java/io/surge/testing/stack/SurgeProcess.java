package io.surge.testing.stack;

import io.surge.embedded.ChildProcess;
import io.surge.time.Waiting;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeoutException;

/**
 * A {@code surge} command ({@code surge run}, {@code surge infra}) as a process of its own, started the way the
 * {@code surge} script starts it (the built classes and {@code surge-tools/target/surge.classpath}, main class
 * {@code io.surge.cli.SurgeCli}); its output, the job's log, in a file. Needs {@code package} to have run, so the
 * tests using it are Failsafe's.
 */
public final class SurgeProcess implements AutoCloseable {

    private static final Path CLASSPATH = Path.of("surge-tools", "target", "surge.classpath");

    private final String command;
    private final ChildProcess process;
    private final Path log;

    private SurgeProcess(String command, ChildProcess process, Path log) {
        this.command = command;
        this.process = process;
        this.log = log;
    }

    /**
     * @param work a directory of the test's: the log goes there, as the JVM's temporary files do, so that a killed
     *     process leaves nothing behind once the test's directory is gone
     * @param name names the log, e.g. "run-2"
     * @param arguments what follows {@code surge run}
     */
    public static SurgeProcess run(Path work, String name, List<String> arguments) throws IOException {
        return start(work, name, "run", arguments);
    }

    /** {@code surge infra} with {@code arguments}; otherwise as {@link #run}. */
    public static SurgeProcess infra(Path work, String name, List<String> arguments) throws IOException {
        return start(work, name, "infra", arguments);
    }

    /** {@code surge COMMAND ARGUMENTS}, e.g. {@code alerts} and {@code forward ...}; otherwise as {@link #run}. */
    public static SurgeProcess start(Path work, String name, String command, List<String> arguments)
            throws IOException {
        Path tmp = Files.createDirectories(work.resolve("tmp").resolve(name));
        Path log = work.resolve(name + ".log");
        List<String> jvm = new ArrayList<>(List.of(
                "-Xmx1g",
                "-Djava.io.tmpdir=" + tmp.toAbsolutePath(),
                "-cp",
                classpath(),
                "io.surge.cli.SurgeCli",
                command));
        jvm.addAll(arguments);
        return new SurgeProcess(
                "surge " + command,
                ChildProcess.startJava(
                        "surge " + command + " (" + name + ")",
                        jvm,
                        log,
                        Path.of("").toAbsolutePath()),
                log);
    }

    /** The classpath the {@code surge} script runs the command with: the tools' classes and their dependencies. */
    public static String classpath() throws IOException {
        return Path.of("surge-tools", "target", "classes").toAbsolutePath() + ":"
                + Files.readString(CLASSPATH).trim();
    }

    /** Waits for the first line of its log containing {@code fragment}, and returns it. */
    public String awaitLine(String fragment, Duration timeout) throws Exception {
        try {
            Waiting.until(() -> line(fragment).isPresent() || !process.isAlive(), timeout, "'" + fragment + "'");
        } catch (TimeoutException e) {
            throw new AssertionError(command + " never logged '" + fragment + "' within " + timeout.toSeconds()
                    + " s; its log ends:\n" + process.tail());
        }
        return line(fragment)
                .orElseThrow(() -> new AssertionError(
                        command + " exited without logging '" + fragment + "'; its log ends:\n" + process.tail()));
    }

    /** Its exit code, failing when it has not ended within {@code timeout}. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        OptionalInt code = process.awaitExit(timeout);
        if (code.isEmpty()) {
            throw new AssertionError(
                    command + " still runs after " + timeout.toSeconds() + " s; its log ends:\n" + process.tail());
        }
        return code.getAsInt();
    }

    public List<ProcessHandle> processes() {
        return process.processes();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String log() throws IOException {
        return Files.readString(log);
    }

    /** The last warnings and errors of its log, with their causes, for a failure message. */
    public String problems() throws IOException {
        List<String> lines = Files.readAllLines(log).stream()
                .filter(line -> line.contains(" WARN ") || line.contains(" ERROR ") || line.startsWith("Caused by"))
                .toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    /** SIGKILL, as an out-of-memory kill or a lost machine ends it. */
    public void kill() throws InterruptedException {
        process.kill();
    }

    /** SIGSTOP, as a frozen VM or a debugger stops it, until {@link #resume}. */
    public void pause() throws IOException, InterruptedException {
        process.pause();
    }

    /** SIGCONT. */
    public void resume() throws IOException, InterruptedException {
        process.resume();
    }

    private Optional<String> line(String fragment) throws IOException {
        return Files.readAllLines(log).stream()
                .filter(line -> line.contains(fragment))
                .findFirst();
    }

    /** SIGTERM, as a supervisor stops it. */
    @Override
    public void close() throws Exception {
        process.close();
    }
}
