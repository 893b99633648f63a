package org.smarttuner.tts.train;

/**
 * Training stopped at a step boundary because it was asked to (the JVM is shutting down, or the
 * Spark task running it was cancelled): not a trial outcome. Everything native was released on the
 * way out; the trial continues from its last checkpoint when its segment runs again.
 */
public final class TrainingStoppedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TrainingStoppedException(String message) {
        super(message);
    }
}
