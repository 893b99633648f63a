package org.smarttuner.tts.eval;

import org.smarttuner.tts.audio.MelFrames;

/**
 * The voice metrics of one free-running utterance against its recording: MCD-DTW (dB), stop error,
 * whether the gate stopped it, and how well its attention walked the text ({@link AttentionWalk}).
 */
public record UtteranceVoice(double mcd, double stopError, boolean stopped, double attention) {

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
        return new UtteranceVoice(mcd, StopError.of(generated.frames(), reference.frames(), stopped), stopped,
                AttentionWalk.score(alignment, steps, textLength));
    }
}
