package io.surge.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.surge.config.SurgeOption;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine;

/** Reading deployment files that cannot run here, and checking what they name against the code. */
final class DeployFiles {

    private DeployFiles() {}

    static Map<String, Object> yaml(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file)) {
            return new Yaml().load(reader);
        }
    }

    /** A YAML list, or a string of words, as words. */
    static List<String> words(Object value) {
        if (value instanceof List<?> list) {
            return list.stream().map(String::valueOf).toList();
        }
        return new ArrayList<>(Arrays.asList(String.valueOf(value).trim().split("\\s+")));
    }

    /** Every --flag is an option of the command, and every --set key is one of surge's options. */
    static void assertFlagsExist(CommandLine command, List<String> args) {
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--")) {
                continue;
            }
            assertThat(command.getCommandSpec().findOption(arg))
                    .as("flag " + arg + " of " + command.getCommandName())
                    .isNotNull();
            if (arg.equals("--set")) {
                String key = args.get(i + 1).split("=")[0];
                assertThat(SurgeOption.byKey(key)).as("option " + key).isPresent();
            }
        }
    }
}
