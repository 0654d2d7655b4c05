package io.surge.cli;

import io.surge.testing.stack.SurgeStack;
import io.surge.time.Waiting;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

/** Runs the surge command in-process and keeps what it printed. */
record CliRun(int exitCode, String out, String err) {

    static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = SurgeCli.commandLine(new SurgeCli())
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute(args);
        return new CliRun(exitCode, out.toString(), err.toString());
    }

    /** A command against a test's broker and registry. */
    static CliRun on(SurgeStack stack, String... command) {
        List<String> arguments = new ArrayList<>(List.of(command));
        arguments.addAll(List.of(
                "--bootstrap",
                stack.bootstrapServers(),
                "--registry",
                stack.config().registry().url()));
        return of(arguments.toArray(String[]::new));
    }

    /** Runs {@code surge rules list} against the job on {@code flink} until it prints every fragment. */
    static CliRun awaitRulesList(SurgeStack stack, String flink, Duration patience, String... fragments)
            throws Exception {
        CliRun[] last = new CliRun[1];
        try {
            Waiting.until(
                    () -> {
                        last[0] = on(
                                stack,
                                "rules",
                                "list",
                                "--flink",
                                flink,
                                "--set",
                                "job.name=" + stack.config().jobName());
                        return List.of(fragments).stream().allMatch(last[0].out()::contains);
                    },
                    patience,
                    "surge rules list to show " + List.of(fragments));
        } catch (TimeoutException e) {
            throw new AssertionError(e.getMessage() + "; it said:\n" + last[0].out() + last[0].err());
        }
        return last[0];
    }
}
