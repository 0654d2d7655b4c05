package io.surge.alerts;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * One version of the alert rules, as {@code surge-rules} carries it and the job keeps it: the rule files' texts, so
 * that a checkpoint holds what was deployed rather than one build's classes, compiled where they run.
 *
 * @param version 0 for the job's {@code alerts.dir}, then 1, 2, ... as deployed
 * @param effectiveFrom event time (epoch ms, UTC) from which records are matched by this version
 * @param files each rule file's YAML text by file name
 * @param deployedBy who deployed it; for version 0, the directory
 */
public record RuleSetVersion(long version, long effectiveFrom, Map<String, String> files, String deployedBy)
        implements Serializable {

    /** Its Flink type: a POJO whose files map has a map serializer rather than Kryo. */
    public static final TypeInformation<RuleSetVersion> TYPE = Types.POJO(RuleSetVersion.class, Map.of(
            "version", Types.LONG,
            "effectiveFrom", Types.LONG,
            "files", Types.MAP(Types.STRING, Types.STRING),
            "deployedBy", Types.STRING));

    public RuleSetVersion {
        files = new TreeMap<>(files);
    }

    /** The job's {@code alerts.dir}: version 0, in force from the beginning of time until a deployed one. */
    public static RuleSetVersion fromDirectory(Path dir) {
        return new RuleSetVersion(0, Long.MIN_VALUE, RuleParser.readDirectory(dir), dir.toString());
    }

    /**
     * Its rules, checked as {@code surge rules check} checks a directory; messages name the version and file.
     *
     * @throws RuleException whatever makes the version unusable: anyone who can write to the rules topic can
     *     publish any text, and no text may stop the job or the tools that read it
     */
    public List<AlertRule> rules() {
        Path origin = Path.of("rule set version " + version);
        try {
            return RuleParser.parseFiles(files, origin::resolve);
        } catch (RuleException e) {
            throw e;
        } catch (RuntimeException | StackOverflowError e) {
            throw new RuleException(origin, 0, "cannot be read: " + e);
        }
    }

    RuleSetVersion effectiveAt(long time) {
        return new RuleSetVersion(version, time, files, deployedBy);
    }
}
