package org.smarttuner.tts.train;

import java.io.Serializable;

/**
 * Training settings of one trial (optimizer, learning-rate schedule, clipping, guided attention, the
 * stop gate's positive weight, seed) and how its free-running validation is run: every {@code
 * freeRunEvery} epochs and at the end of every segment (0: only at segment ends), over the first
 * {@code freeRunUtterances} validation utterances (0: all of them), each allowed {@code freeRunMaxLength}
 * times its recording's frames before it counts as never stopping, MCD over cepstral coefficients
 * 1..{@code mcdCoefficients}. {@code initFrom} (empty: none) is a weights file every fresh model starts
 * from (a warm start), leaving out the parameters named in {@code initIgnore}. On a GPU, {@code tf32}
 * lets matrix products and convolutions use TF32 tensor cores (Ampere and newer) and {@code
 * cudnnBenchmark} lets cuDNN time its algorithms per shape; both are on by default, as in NVIDIA's
 * Tacotron2 training, and change nothing on the CPU.
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
        int mcdCoefficients,
        String initFrom,
        java.util.List<String> initIgnore,
        boolean tf32,
        boolean cudnnBenchmark) implements Serializable {
    private static final long serialVersionUID = 1L;
    /** NVIDIA's {@code --warm_start} default: a new symbol set gets a fresh embedding. */
    public static final java.util.List<String> DEFAULT_INIT_IGNORE = java.util.List.of("embedding.weight");

    public TrainingSettings {
        initFrom = initFrom == null ? "" : initFrom;
        initIgnore = java.util.List.copyOf(initIgnore);
    }

    /** Settings with TF32 and cuDNN's autotuner on (the defaults). */
    public TrainingSettings(int epochs, int batchSize, String optimizer, double learningRate, double weightDecay,
            double adamBeta1, double adamBeta2, double adamEpsilon, double gradClipNorm, String lrSchedule,
            double lrDecayRate, int lrDecayEpochs, int warmupSteps, double guidedAttentionWeight,
            double guidedAttentionSigma, double gatePositiveWeight, long seed, int freeRunEvery, int freeRunUtterances,
            double freeRunMaxLength, int mcdCoefficients, String initFrom, java.util.List<String> initIgnore) {
        this(epochs, batchSize, optimizer, learningRate, weightDecay, adamBeta1, adamBeta2, adamEpsilon, gradClipNorm,
                lrSchedule, lrDecayRate, lrDecayEpochs, warmupSteps, guidedAttentionWeight, guidedAttentionSigma,
                gatePositiveWeight, seed, freeRunEvery, freeRunUtterances, freeRunMaxLength, mcdCoefficients, initFrom,
                initIgnore, true, true);
    }

    /** Settings without a warm start. */
    public TrainingSettings(int epochs, int batchSize, String optimizer, double learningRate, double weightDecay,
            double adamBeta1, double adamBeta2, double adamEpsilon, double gradClipNorm, String lrSchedule,
            double lrDecayRate, int lrDecayEpochs, int warmupSteps, double guidedAttentionWeight,
            double guidedAttentionSigma, double gatePositiveWeight, long seed, int freeRunEvery, int freeRunUtterances,
            double freeRunMaxLength, int mcdCoefficients) {
        this(epochs, batchSize, optimizer, learningRate, weightDecay, adamBeta1, adamBeta2, adamEpsilon, gradClipNorm,
                lrSchedule, lrDecayRate, lrDecayEpochs, warmupSteps, guidedAttentionWeight, guidedAttentionSigma,
                gatePositiveWeight, seed, freeRunEvery, freeRunUtterances, freeRunMaxLength, mcdCoefficients, "",
                DEFAULT_INIT_IGNORE);
    }

    public boolean warmStart() {
        return !initFrom.isEmpty();
    }
}
