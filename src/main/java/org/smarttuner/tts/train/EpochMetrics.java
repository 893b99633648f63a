package org.smarttuner.tts.train;

import java.io.Serializable;
import java.util.List;

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

    /** The values a study can optimise (study.metric), by name. */
    public static final List<String> STUDY_METRICS = List.of("val_loss", "val_mel_loss", "val_gate_loss",
            "train_loss", "alignment_score");

    /** This epoch's value of a study metric. */
    public double metric(String name) {
        return studyMetric(name, trainLoss, valLoss, valMelLoss, valGateLoss, alignmentScore);
    }

    /** The value of study metric {@code name} among an epoch's values (also for the driver's copy of them). */
    public static double studyMetric(String name, double trainLoss, double valLoss, double valMelLoss,
            double valGateLoss, double alignmentScore) {
        return switch (name) {
            case "val_loss" -> valLoss;
            case "val_mel_loss" -> valMelLoss;
            case "val_gate_loss" -> valGateLoss;
            case "train_loss" -> trainLoss;
            case "alignment_score" -> alignmentScore;
            default -> throw new IllegalArgumentException("unknown study metric '" + name + "' (allowed: "
                    + String.join(", ", STUDY_METRICS) + ")");
        };
    }
}
