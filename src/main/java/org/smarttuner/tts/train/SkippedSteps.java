package org.smarttuner.tts.train;

/**
 * Optimizer steps skipped because the gradient norm was not finite while the loss was: one backward
 * pass that overflows (seen on the espeak corpus after 20-66 good epochs, at a finite loss) does not
 * mean the trial diverged, so the step is dropped and the weights stay as they were, as a loss
 * scaler does in mixed precision. Only {@link #LIMIT} such steps in a row stop the trial.
 */
final class SkippedSteps {
    /** Consecutive skipped steps after which training counts as diverged. */
    static final int LIMIT = 5;

    private int inARow;
    private long total;

    /**
     * Records a step whose gradient norm was not finite.
     *
     * @return true when this is one too many in a row (the trial should stop)
     */
    boolean skip() {
        inARow++;
        total++;
        return inARow > LIMIT;
    }

    /** Records a step that was taken. */
    void taken() {
        inARow = 0;
    }

    int inARow() {
        return inARow;
    }

    long total() {
        return total;
    }
}
