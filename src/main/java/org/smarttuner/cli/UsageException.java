package org.smarttuner.cli;

/** A command used wrongly in a way picocli cannot see (exit code 2, message only). */
public final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }
}
