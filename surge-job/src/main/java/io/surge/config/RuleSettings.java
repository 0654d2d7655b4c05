package io.surge.config;

import io.surge.alerts.TrustedKeys;
import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where the alert rules are and how they are run.
 *
 * @param dir the directory of rule files
 * @param timeBucket the resolution at which rules on zone events hand records to Flink CEP
 * @param trustedKeys who may deploy rule set versions ({@code rules.trusted-keys})
 */
public record RuleSettings(Path dir, Duration timeBucket, TrustedKeys trustedKeys) implements Serializable {}
