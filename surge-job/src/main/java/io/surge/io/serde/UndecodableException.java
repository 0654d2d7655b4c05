package io.surge.io.serde;

import io.surge.event.Reason;

/**
 * An input value that cannot be turned into a record: expected for bad input, so it carries no stack trace and the
 * source dead-letters the record with {@link #reason()} and the message as detail.
 */
public final class UndecodableException extends Exception {

    private static final long serialVersionUID = 1L;
    private final Reason reason;

    public UndecodableException(Reason reason, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
