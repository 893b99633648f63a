package org.smarttuner.tts.train;

import java.io.Serializable;

/**
 * Training settings of one trial (optimizer, learning-rate schedule, clipping, guided attention, the
 * stop gate's positive weight, seed) and how its free-running validation is run: every {@code
 * freeRunEvery} epochs and at the end of every segment (0: only at segment ends), over the first
 * {@code freeRunUtterances} validation utterances (0: all of them), each allowed {@code freeRunMaxLength}
 * times its recording's frames before it counts as never stopping, MCD over cepstral coefficients
 * 1..{@code mcdCoefficients}.
 */
public record TrainingSettings(
        int epochs,
        int batchSize,
        String optimizer,
        double learningRate,
        double weightDecay,
        double adamBeta1,
        double adamBeta2,
        double adamEpsilon,
        double gradClipNorm,
        String lrSchedule,
        double lrDecayRate,
        int lrDecayEpochs,
        int warmupSteps,
        double guidedAttentionWeight,
        double guidedAttentionSigma,
        double gatePositiveWeight,
        long seed,
        int freeRunEvery,
        int freeRunUtterances,
        double freeRunMaxLength,
        int mcdCoefficients) implements Serializable {
    private static final long serialVersionUID = 1L;
}
