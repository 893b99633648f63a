package org.smarttuner.spark;

import java.io.Serializable;
import java.util.Map;
import java.util.Optional;
import org.smarttuner.tts.data.DataSettings;
import org.smarttuner.tts.model.ModelSettings;
import org.smarttuner.tts.train.TrainingSettings;

/**
 * What the driver sends an executor: train trial {@code number} from {@code fromEpoch} to {@code
 * toEpoch} completed epochs, resuming from {@code checkpointIn} (a Hadoop path) when fromEpoch >
 * 0, and write the new checkpoint under {@code checkpointDir}. Settings already carry the trial's
 * sampled parameters ({@code params} is kept for logging).
 */
public record SegmentRequest(
        String study,
        int number,
        int segment,
        int attempt,
        Map<String, Object> params,
        ModelSettings model,
        TrainingSettings training,
        DataSettings data,
        int fromEpoch,
        int toEpoch,
        String checkpointIn,
        String checkpointDir,
        int gpus,
        String device) implements Serializable {
    private static final long serialVersionUID = 1L;

    public Optional<String> resumeFrom() {
        return Optional.ofNullable(checkpointIn);
    }

    /** Spark job group: study and trial, so the Spark UI reads well. */
    public String jobGroup() {
        return "smart-tuner:" + study + ":trial-" + number;
    }

    public String description() {
        return "Smart Tuner study " + study + ", trial " + number + ", epochs " + fromEpoch + "->" + toEpoch
                + " (segment " + segment + (attempt > 0 ? ", retry " + attempt : "") + ")";
    }

    /** The checkpoint file this segment writes. */
    public String checkpointOut() {
        return Checkpoints.trialDir(checkpointDir, study, number) + "/epoch-" + toEpoch + ".ckpt";
    }
}
