package io.surge.alerts;

import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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
 * @param keyId the id of the key that signed it ({@link TrustedKeys}), or null when it is not signed
 * @param signature its Ed25519 signature, base64, or null
 */
public record RuleSetVersion(
        long version, long effectiveFrom, Map<String, String> files, String deployedBy, String keyId, String signature)
        implements Serializable {

    /** How far ahead of the clock a version may take effect: a job keeps every pending version and its rules. */
    public static final Duration MAX_LEAD = Duration.ofDays(7);

    /** Its Flink type: a POJO whose files map has a map serializer rather than Kryo. */
    public static final TypeInformation<RuleSetVersion> TYPE = Types.POJO(
            RuleSetVersion.class,
            Map.of(
                    "version", Types.LONG,
                    "effectiveFrom", Types.LONG,
                    "files", Types.MAP(Types.STRING, Types.STRING),
                    "deployedBy", Types.STRING,
                    "keyId", Types.STRING,
                    "signature", Types.STRING));

    public RuleSetVersion {
        files = new TreeMap<>(files);
    }

    /** The job's {@code alerts.dir}: version 0, in force from the beginning of time until a deployed one. */
    public static RuleSetVersion fromDirectory(Path dir) {
        return new RuleSetVersion(0, Long.MIN_VALUE, RuleParser.readDirectory(dir), dir.toString(), null, null);
    }

    /**
     * Its rules, checked as {@code surge rules check} checks a directory; messages name the version and file.
     *
     * @throws RuleException whatever makes the version unusable: anyone who can write to the rules topic can
     *     publish any text, and no text may stop the job or the tools that read it
     */
    public List<AlertRule> rules() {
        return rules(TrustedKeys.ANYONE, Long.MIN_VALUE);
    }

    /**
     * Its rules, if a key the job trusts signed it and it takes effect within {@link #MAX_LEAD} of {@code now};
     * checked as {@link #rules()} checks them.
     *
     * @param now the processing clock, or {@code Long.MIN_VALUE} for no bound on the effective time
     * @throws RuleException when the version is not signed by a trusted key, takes effect too far ahead, or cannot
     *     be used
     */
    public List<AlertRule> rules(TrustedKeys trusted, long now) {
        Path origin = Path.of("rule set version " + version);
        String untrusted = trusted.refusal(this);
        if (untrusted != null) {
            throw new RuleException(origin, 0, untrusted);
        }
        if (now != Long.MIN_VALUE && effectiveFrom > now + MAX_LEAD.toMillis()) {
            throw new RuleException(
                    origin,
                    0,
                    "effective from "
                            + Instant.ofEpochMilli(effectiveFrom) + ", more than " + MAX_LEAD.toDays()
                            + " days ahead of the"
                            + " clock; deploy it closer to when it applies");
        }
        try {
            return RuleParser.parseFiles(files, origin::resolve);
        } catch (RuleException e) {
            throw e;
        } catch (RuntimeException | StackOverflowError e) {
            throw new RuleException(origin, 0, "cannot be read: " + e);
        }
    }

    RuleSetVersion effectiveAt(long time) {
        return new RuleSetVersion(version, time, files, deployedBy, keyId, signature);
    }

    RuleSetVersion signed(String byKey, String withSignature) {
        return new RuleSetVersion(version, effectiveFrom, files, deployedBy, byKey, withSignature);
    }
}
