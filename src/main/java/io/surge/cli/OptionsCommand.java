package io.surge.cli;

import io.surge.config.ConfigLoader;
import io.surge.config.SurgeOption;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Lists every option with its default, its environment variable and what it does. */
@Command(name = "options", description = "List every configuration option, its default and its meaning.")
final class OptionsCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        for (SurgeOption option : SurgeOption.values()) {
            out.printf(
                    "%-30s default %-40s env %s%n    %s%n",
                    option.key(),
                    option.defaultValue().isEmpty() ? "(none)" : option.defaultValue(),
                    ConfigLoader.environmentName(option),
                    option.description());
        }
    }
}
