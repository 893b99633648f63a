package org.smarttuner.tts.eval;

import org.smarttuner.tts.audio.MelFrames;

/**
 * The voice metrics of one free-running utterance against its recording: MCD-DTW (dB), the same
 * with the speech-length penalty, stop error, whether the gate stopped it, and how well its
 * attention walked the text ({@link AttentionWalk}).
 *
 * <p>{@code mcdSl} is MCD-DTW times {@code max(g, r) / min(g, r)} for g generated and r recorded
 * frames (the speech-length penalty of MCD-DTW-SL). DTW alone forgives length: a model that never
 * stops and drones on the average spectrum for twice the recording's length scores a lower MCD-DTW
 * than one that stops on time but has not yet learned to attend. With the penalty the metric falls
 * as a model goes from droning, to stopping, to speaking, which is what a pruner needs.
 */
public record UtteranceVoice(double mcd, double mcdSl, double stopError, boolean stopped, double attention) {

    /** The speech-length penalty: the longer of the two lengths over the shorter (1 when equal). */
    public static double lengthPenalty(int generatedFrames, int referenceFrames) {
        if (generatedFrames < 1 || referenceFrames < 1) {
            throw new IllegalArgumentException("the length penalty needs at least one frame on each side, got "
                    + generatedFrames + " generated and " + referenceFrames + " recorded");
        }
        return (double) Math.max(generatedFrames, referenceFrames) / Math.min(generatedFrames, referenceFrames);
    }

    /**
     * @param generated the free-running mel, cut at its own end
     * @param reference the recorded mel
     * @param alignment [decoder steps][text positions]; its first {@code steps} rows are this utterance's
     */
    public static UtteranceVoice of(MelFrames generated, MelFrames reference, boolean stopped, float[][] alignment,
            int steps, int textLength, int mcdCoefficients) {
        if (generated.nMels() != reference.nMels()) {
            throw new IllegalArgumentException("the generated mel has " + generated.nMels()
                    + " bands but the recording has " + reference.nMels());
        }
        double mcd = MelCepstralDistortion.mcdDtw(generated.mel(), generated.frames(), reference.mel(),
                reference.frames(), reference.nMels(), mcdCoefficients);
        return new UtteranceVoice(mcd, mcd * lengthPenalty(generated.frames(), reference.frames()),
                StopError.of(generated.frames(), reference.frames(), stopped), stopped,
                AttentionWalk.score(alignment, steps, textLength));
    }
}
