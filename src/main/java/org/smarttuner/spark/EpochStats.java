package org.smarttuner.spark;

import java.io.Serializable;
import org.smarttuner.tts.eval.VoiceMetrics;
import org.smarttuner.tts.train.EpochMetrics;

/**
 * One finished epoch as the driver records it. {@code epoch} counts completed epochs (1 after the
 * first), which is also the step at which the pruner sees the trial's intermediate value.
 */
public record EpochStats(
        int epoch,
        double trainLoss,
        double valLoss,
        double valMelLoss,
        double valGateLoss,
        double attentionSharpness,
        VoiceMetrics voice,
        double framesPerSecond,
        double seconds,
        double peakMemoryMb) implements Serializable {
    private static final long serialVersionUID = 2L;

    /** The value of one of the study metrics (study.metric). */
    public double metric(String name) {
        return EpochMetrics.studyMetric(name, trainLoss, valLoss, valMelLoss, valGateLoss, attentionSharpness, voice);
    }
}
