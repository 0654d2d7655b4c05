package io.surge.io.registry;

/** A Schema Registry call that failed; the message says which call, against which registry, and why. */
public class RegistryException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private final int httpStatus;

    public RegistryException(String message, int httpStatus, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
    }

    /** The HTTP status of the answer, or 0 when the registry could not be reached at all. */
    public int httpStatus() {
        return httpStatus;
    }

    public boolean isNotFound() {
        return httpStatus == 404;
    }
}
