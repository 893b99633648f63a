package org.smarttuner.spark.results;

import java.io.Serializable;
import java.sql.Timestamp;
import org.smarttuner.tts.eval.VoiceMetrics;
import org.smarttuner.tts.train.EpochMetrics;

/**
 * One row of {@code trial_metrics}: one epoch of one trial. The free-running voice metrics (val_mcd,
 * val_mcd_sl, val_stop_error, val_stop_rate, val_attention) are null on an epoch that did not run free-running
 * validation. (study, number, epoch) is unique: an
 * epoch trained again after a lost segment replaces its earlier row rather than doubling it.
 */
public record MetricRow(
        String study,
        int number,
        int segment,
        int epoch,
        Double trainLoss,
        Double valLoss,
        Double valMelLoss,
        Double valGateLoss,
        Double attentionSharpness,
        Double valMcd,
        Double valMcdSl,
        Double valStopError,
        Double valStopRate,
        Double valAttention,
        Double framesPerSecond,
        Double peakMemoryMb,
        Double seconds,
        Timestamp ts) implements Serializable {
    private static final long serialVersionUID = 2L;

    /** The value of study metric {@code name} on this row; null where the epoch did not measure it. */
    public Double metric(String name) {
        VoiceMetrics voice = new VoiceMetrics(nan(valMcd), nan(valMcdSl), nan(valStopError), nan(valStopRate),
                nan(valAttention), 1);
        double v = EpochMetrics.studyMetric(name, nan(trainLoss), nan(valLoss), nan(valMelLoss), nan(valGateLoss),
                nan(attentionSharpness), voice);
        return Double.isNaN(v) ? null : v;
    }

    private static double nan(Double v) {
        return v == null ? Double.NaN : v;
    }
}
