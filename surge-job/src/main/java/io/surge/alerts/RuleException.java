package io.surge.alerts;

import java.nio.file.Path;

/** A rule file that cannot be used; the message starts with {@code file:line:} and says what to fix. */
public final class RuleException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public RuleException(Path file, int line, String reason) {
        super(file + ":" + line + ": " + reason);
    }
}
