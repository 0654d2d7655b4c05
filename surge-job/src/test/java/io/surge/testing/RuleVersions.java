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

    /**
     * The shipped rules ({@code alerts/}) copied to {@code dir}, each rule's {@code resolve-after} replaced by the one
     * {@code resolveAfter} gives for its name, if any: for tests whose event time is shorter than the shipped ones.
     *
     * @return {@code dir}
     */
    public static Path shippedWith(Path dir, Map<String, String> resolveAfter) {
        try {
            Files.createDirectories(dir);
            try (var shipped = Files.list(Path.of("alerts"))) {
                for (Path file : shipped.toList()) {
                    String name = file.getFileName().toString().replaceAll("\\.ya?ml$", "");
                    String text = Files.readString(file);
                    if (resolveAfter.containsKey(name)) {
                        text = text.replaceAll("(?m)^resolve-after: .*$", "resolve-after: " + resolveAfter.get(name));
                    }
                    Files.writeString(dir.resolve(file.getFileName()), text);
                }
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
