package io.surge.testing;

import io.surge.alerts.RuleSetVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Rule set versions made of rule files, as {@code surge rules deploy} would publish them. */
public final class RuleVersions {

    private RuleVersions() {}

    public static RuleSetVersion version(long version, long effectiveFrom, List<Path> ruleFiles) {
        Map<String, String> files = new TreeMap<>();
        for (Path file : ruleFiles) {
            try {
                files.put(file.getFileName().toString(), Files.readString(file));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new RuleSetVersion(version, effectiveFrom, files, "test", null, null);
    }
}
