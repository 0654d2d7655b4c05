package io.surge.cli;

import io.surge.alerts.AlertRule;
import io.surge.alerts.RuleParser;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Parameters;

/** Alert rule tooling. */
@Command(name = "rules", mixinStandardHelpOptions = true, description = "Check and backtest alert rules.",
        subcommands = {RulesCommand.Check.class, BacktestCommand.class})
final class RulesCommand implements Runnable {

    @Override
    public void run() {
        SurgeCli.commandLine(this).usage(System.out);
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Check every rule file of a directory as the job does at start.")
    static final class Check implements Callable<Integer> {

        @Parameters(paramLabel = "DIR", defaultValue = "alerts", description = "Rule directory. Default: ${DEFAULT-VALUE}.")
        Path dir;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            List<AlertRule> rules = RuleParser.parseDirectory(dir);
            for (AlertRule rule : rules) {
                out.printf("ok  %-18s %-11s %-8s %d step(s) within %ss%n", rule.name(), rule.input().wireName(),
                        rule.severity(), rule.steps().size(), rule.within().toSeconds());
            }
            out.println(rules.size() + " rule(s) in " + dir + " are valid");
            return 0;
        }
    }
}
