package io.surge.monitoring;

/** Something answers at the Flink address, but not as Flink's REST API would: the address is most likely wrong. */
public final class FlinkRestException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public FlinkRestException(String message) {
        super(message);
    }
}
