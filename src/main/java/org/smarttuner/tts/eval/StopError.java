package org.smarttuner.tts.eval;

/**
 * How far from the recording's length a free-running synthesis stopped, as a share of that
 * length: {@code min(1, |generated - reference| / reference)} when the gate fired, and 1 when it
 * never did (the decoder ran to its step limit). Clamped at 1 so that one runaway utterance
 * weighs no more than one that never stopped.
 */
public final class StopError {
    private StopError() {
    }

    public static double of(int generatedFrames, int referenceFrames, boolean stopped) {
        if (referenceFrames < 1) {
            throw new IllegalArgumentException("reference has " + referenceFrames
                    + " frames: at least 1 is needed to measure the stop error against");
        }
        if (generatedFrames < 0) {
            throw new IllegalArgumentException("generated frames is " + generatedFrames + ": must be 0 or more");
        }
        if (!stopped) {
            return 1.0;
        }
        return Math.min(1.0, Math.abs((double) generatedFrames - referenceFrames) / referenceFrames);
    }
}
