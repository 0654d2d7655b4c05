package io.surge.time;

import java.io.Serializable;
import java.time.Duration;

/**
 * How event time advances.
 *
 * @param outOfOrderness how far behind the largest event time seen a record may be and still count
 * @param idleness how long a source partition may receive no valid record before it stops holding the watermark back
 * @param interval how often sources move the watermark on
 */
public record WatermarkSettings(Duration outOfOrderness, Duration idleness, Duration interval)
        implements Serializable {}
