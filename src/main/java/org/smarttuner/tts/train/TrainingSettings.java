package org.smarttuner.tts.train;

import java.io.Serializable;

/** Training settings of one trial (optimizer, learning-rate schedule, clipping, guided attention, seed). */
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
        long seed) implements Serializable {
    private static final long serialVersionUID = 1L;
}
