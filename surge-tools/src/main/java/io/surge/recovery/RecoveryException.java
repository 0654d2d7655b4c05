package io.surge.recovery;

/**
 * {@code surge run} cannot resume its job, or must not start it: the message names the directory or the other job,
 * why, and what to do.
 */
public final class RecoveryException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public RecoveryException(String message) {
        super(message);
    }

    public RecoveryException(String message, Throwable cause) {
        super(message, cause);
    }
}
