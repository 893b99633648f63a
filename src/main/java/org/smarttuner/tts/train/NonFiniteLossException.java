package org.smarttuner.tts.train;

/** Training diverged (a loss or gradient norm became NaN or infinite); the trial stops with this reason. */
public final class NonFiniteLossException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NonFiniteLossException(String message) {
        super(message);
    }
}
