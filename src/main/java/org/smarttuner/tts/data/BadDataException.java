package org.smarttuner.tts.data;

/** The dataset cannot be used: a bad row under {@code bad_rows: fail}, or no usable row at all. */
public final class BadDataException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BadDataException(String message) {
        super(message);
    }

    public BadDataException(String message, Throwable cause) {
        super(message, cause);
    }
}
