package org.smarttuner.tts.train;

import java.io.Serializable;

/**
 * What one epoch measured. Losses are means over the split's batches weighted by utterances;
 * valLoss = mel + postnet mel + gate (no guided-attention term, so trials stay comparable);
 * alignmentScore is the validation alignment diagonal score; framesPerSecond counts real mel
 * frames over training time only; peakRssBytes is this process's resident-memory high-water mark
 * during the epoch; gpuMemoryBytes the device memory in use at its end (0 on a CPU).
 */
public record EpochMetrics(int epoch, double trainLoss, double valLoss, double valMelLoss, double valMelPostnetLoss,
        double valGateLoss, double alignmentScore, double learningRate, double framesPerSecond, double seconds,
        long peakRssBytes, long gpuMemoryBytes) implements Serializable {
    private static final long serialVersionUID = 1L;
}
