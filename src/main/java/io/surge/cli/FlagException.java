package io.surge.cli;

/** A command's flag has a value the command cannot take; the message names the flag and what it takes. */
final class FlagException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    FlagException(String message) {
        super(message);
    }
}
