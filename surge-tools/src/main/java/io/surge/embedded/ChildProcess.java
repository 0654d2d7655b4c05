package io.surge.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A JVM, or another program, started as a child of this one that cannot outlive it: a shell starts it, waits for it,
 * and kills it as soon as this JVM's end of the shell's standard input closes, which happens however this JVM ends,
 * {@code kill -9} included. Its output goes to a log file, whose last lines go into the messages when it fails.
 */
public final class ChildProcess implements AutoCloseable {

    private static final int CLOSE_TIMEOUT_SECONDS = 20;

    private final String name;
    private final Process shell;
    private final Path log;

    private ChildProcess(String name, Process shell, Path log) {
        this.name = name;
        this.shell = shell;
        this.log = log;
    }

    /**
     * @param name for messages, e.g. "the embedded registry"
     * @param jvmArguments what follows {@code java}: flags, then the main class or {@code -jar} and its arguments
     */
    public static ChildProcess startJava(String name, List<String> jvmArguments, Path log, Path workingDirectory)
            throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return start(name, Stream.concat(Stream.of(java), jvmArguments.stream()).toList(), log, workingDirectory);
    }

    /** The same for any program: {@code command} is the program and its arguments. */
    public static ChildProcess start(String name, List<String> command, Path log, Path workingDirectory)
            throws IOException {
        // fd 3 keeps the shell's input: a background list's own input is /dev/null
        String line = "exec 3<&0; " + command.stream().map(ChildProcess::quote).collect(Collectors.joining(" "))
                + " & child=$!; { cat <&3 > /dev/null; kill $child 2> /dev/null; } & wait $child";
        Process shell = new ProcessBuilder("sh", "-c", line)
                .directory(workingDirectory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        return new ChildProcess(name, shell, log);
    }

    /** The processes it runs as: the shell, the program and whatever they started. */
    public List<ProcessHandle> processes() {
        return Stream.concat(Stream.of(shell.toHandle()), shell.descendants()).toList();
    }

    /** The shell waits for the JVM, so it lives exactly as long. */
    public boolean isAlive() {
        return shell.isAlive();
    }

    /** Ends the JVM with SIGKILL, as a crash or an out-of-memory kill would: no shutdown hooks, nothing flushed. */
    public void kill() throws InterruptedException {
        Optional<ProcessHandle> jvm = jvm();
        if (jvm.isPresent()) {
            jvm.get().destroyForcibly();
            jvm.get().onExit().join();
        }
        shell.waitFor(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        // the watcher that would kill the JVM on our exit has nothing left to do
        closeInput();
    }

    /** Stops the JVM where it is (SIGSTOP), as a frozen VM or a debugger would, until {@link #resume}. */
    public void pause() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** Lets a paused JVM go on (SIGCONT). */
    public void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String signal) throws IOException, InterruptedException {
        ProcessHandle target = jvm().orElseThrow(() -> new IllegalStateException(name + " is not running"));
        Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(target.pid()))
                .inheritIO()
                .start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -" + signal + " " + target.pid() + " (" + name + ") failed");
        }
    }

    /** The last lines of its output, for a message. */
    public String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    /** Its exit code once it has ended within {@code timeout}; empty while it still runs. */
    public OptionalInt awaitExit(Duration timeout) throws InterruptedException {
        return shell.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)
                ? OptionalInt.of(shell.exitValue())
                : OptionalInt.empty();
    }

    /** Fails, with its last output, when it has exited. */
    public void checkAlive() {
        if (!isAlive()) {
            throw new IllegalStateException(name + " exited:\n" + tail());
        }
    }

    /** Stops it (SIGTERM, so it shuts down cleanly), and forcibly when it has not ended within 20 s. */
    @Override
    public void close() throws IOException, InterruptedException {
        closeInput();
        if (!shell.waitFor(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            shell.descendants().forEach(ProcessHandle::destroyForcibly);
            shell.destroyForcibly().waitFor();
        }
    }

    private void closeInput() {
        try {
            shell.getOutputStream().close();
        } catch (IOException e) {
            // already closed
        }
    }

    private Optional<ProcessHandle> jvm() {
        // the shell's other child is the one waiting for our end of its input to close
        return shell.children()
                .filter(child -> child.info()
                        .command()
                        .map(command -> command.endsWith("/java"))
                        .orElse(false))
                .findFirst();
    }

    private static String quote(String argument) {
        return "'" + argument.replace("'", "'\\''") + "'";
    }
}
