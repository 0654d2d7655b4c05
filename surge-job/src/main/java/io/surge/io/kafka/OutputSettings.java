package io.surge.io.kafka;

import java.io.Serializable;

/**
 * How results and diverted records are written.
 *
 * @param exactlyOnce Kafka transactions committed at checkpoints, or at-least-once
 * @param autoRegisterSchemas whether the job registers its output schemas at start, or requires them registered
 * @param divertedMaxBytes the most key and value bytes a late event or dead letter carries before it is cut
 */
public record OutputSettings(boolean exactlyOnce, boolean autoRegisterSchemas, int divertedMaxBytes)
        implements Serializable {}
