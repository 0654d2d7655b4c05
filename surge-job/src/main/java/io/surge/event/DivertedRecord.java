package io.surge.event;

/**
 * An input record that was not counted into a result, with the reason and a sentence a person can act on. Late
 * records go to the late-events topic, every other reason to the dead-letter topic.
 */
public record DivertedRecord(Reason reason, String detail, RecordOrigin origin) {}
