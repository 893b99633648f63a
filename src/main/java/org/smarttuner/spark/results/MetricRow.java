package org.smarttuner.spark.results;

import java.io.Serializable;
import java.sql.Timestamp;

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
    private static final long serialVersionUID = 1L;
}
