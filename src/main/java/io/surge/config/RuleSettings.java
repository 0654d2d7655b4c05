package io.surge.config;

import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where the alert rules are and how they are run.
 *
 * @param dir the directory of rule files
 * @param timeBucket the resolution at which rules on zone events hand records to Flink CEP
 */
public record RuleSettings(Path dir, Duration timeBucket) implements Serializable {}
