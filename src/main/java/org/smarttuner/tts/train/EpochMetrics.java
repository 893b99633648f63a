package org.smarttuner.tts.train;

import java.io.Serializable;
import java.util.List;
import java.util.Set;
import org.smarttuner.tts.eval.VoiceMetrics;

/**
 * What one epoch measured. Losses are means over the split's batches weighted by utterances;
 * valLoss = mel + postnet mel + gate (no guided-attention term and an unweighted gate term, so trials
 * stay comparable); attentionSharpness is the teacher-forced validation attention's mean largest
 * weight per step (sharpness, not progress); voice holds the free-running validation metrics
 * ({@link VoiceMetrics#NONE} on an epoch that did not run it); framesPerSecond counts real mel frames
 * over training time only; peakRssBytes is this process's resident-memory high-water mark during the
 * epoch; gpuMemoryBytes the device memory in use at its end (0 on a CPU).
 */
public record EpochMetrics(int epoch, double trainLoss, double valLoss, double valMelLoss, double valMelPostnetLoss,
        double valGateLoss, double attentionSharpness, VoiceMetrics voice, double learningRate,
        double framesPerSecond, double seconds, long peakRssBytes, long gpuMemoryBytes) implements Serializable {
    private static final long serialVersionUID = 2L;

    /** The values a study can optimise (study.metric), by name. */
    public static final List<String> STUDY_METRICS = List.of("val_loss", "val_mel_loss", "val_gate_loss",
            "train_loss", "attention_sharpness", "val_mcd", "val_mcd_sl", "val_stop_error", "val_stop_rate", "val_attention");

    private static final Set<String> MAXIMIZED = Set.of("attention_sharpness", "val_stop_rate", "val_attention");

    /** Whether larger is better for this metric (the study's default direction). */
    public static boolean largerIsBetter(String name) {
        return MAXIMIZED.contains(name);
    }

    /** This epoch's value of a study metric. */
    public double metric(String name) {
        return studyMetric(name, trainLoss, valLoss, valMelLoss, valGateLoss, attentionSharpness, voice);
    }

    /** The value of study metric {@code name} among an epoch's values (also for the driver's copy of them). */
    public static double studyMetric(String name, double trainLoss, double valLoss, double valMelLoss,
            double valGateLoss, double attentionSharpness, VoiceMetrics voice) {
        return switch (name) {
            case "val_loss" -> valLoss;
            case "val_mel_loss" -> valMelLoss;
            case "val_gate_loss" -> valGateLoss;
            case "train_loss" -> trainLoss;
            case "attention_sharpness" -> attentionSharpness;
            case "val_mcd" -> voice.mcd();
            case "val_mcd_sl" -> voice.mcdSl();
            case "val_stop_error" -> voice.stopError();
            case "val_stop_rate" -> voice.stopRate();
            case "val_attention" -> voice.attention();
            default -> throw new IllegalArgumentException("unknown study metric '" + name + "' (allowed: "
                    + String.join(", ", STUDY_METRICS) + ")");
        };
    }
}
