package org.smarttuner.spark;

import java.io.Serializable;
import java.util.Map;
import java.util.Optional;
import org.smarttuner.tts.data.DataSettings;
import org.smarttuner.tts.model.ModelSettings;
import org.smarttuner.tts.train.TargetStop;
import org.smarttuner.tts.train.TrainingSettings;

/**
 * What the driver sends an executor: train trial {@code number} from {@code fromEpoch} to {@code
 * toEpoch} completed epochs, resuming from {@code checkpointIn} (a Hadoop path) when fromEpoch >
 * 0, and write the new checkpoint under {@code checkpointDir}. Settings already carry the trial's
 * sampled parameters ({@code params} is kept for logging). {@code stopAt}, when set, is the study's
 * target: the executor ends the segment after the first epoch that reaches it and writes the
 * checkpoint for that epoch ({@link #checkpointOut(int)}).
 *
 * <p>{@code rungArtifacts}: what the executor returns for people to look at (the alignment images and the
 * spoken sample of the segment's last epoch, see {@link TrialArtifacts}): -1 nothing, 0 the images only,
 * more the images and a WAV made with that many Griffin-Lim iterations.
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
        String device,
        TargetStop stopAt,
        int rungArtifacts) implements Serializable {
    private static final long serialVersionUID = 1L;

    public SegmentRequest {
        if (rungArtifacts < -1) {
            throw new IllegalArgumentException("rungArtifacts is -1 (none), 0 (images) or Griffin-Lim iterations, got "
                    + rungArtifacts);
        }
    }

    /** A request that returns no rung artifacts. */
    public SegmentRequest(String study, int number, int segment, int attempt, Map<String, Object> params,
            ModelSettings model, TrainingSettings training, DataSettings data, int fromEpoch, int toEpoch,
            String checkpointIn, String checkpointDir, int gpus, String device, TargetStop stopAt) {
        this(study, number, segment, attempt, params, model, training, data, fromEpoch, toEpoch, checkpointIn,
                checkpointDir, gpus, device, stopAt, -1);
    }

    /** A request without a target: the segment trains all its epochs. */
    public SegmentRequest(String study, int number, int segment, int attempt, Map<String, Object> params,
            ModelSettings model, TrainingSettings training, DataSettings data, int fromEpoch, int toEpoch,
            String checkpointIn, String checkpointDir, int gpus, String device) {
        this(study, number, segment, attempt, params, model, training, data, fromEpoch, toEpoch, checkpointIn,
                checkpointDir, gpus, device, null);
    }

    /** The study's target, if the segment should end at the first epoch that reaches it. */
    public Optional<TargetStop> stopRule() {
        return Optional.ofNullable(stopAt);
    }

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

    /** The checkpoint file this segment writes when it trains all its epochs. */
    public String checkpointOut() {
        return checkpointOut(toEpoch);
    }

    /** The checkpoint file for the trial at {@code epoch} (earlier than toEpoch when the target stopped it). */
    public String checkpointOut(int epoch) {
        if (epoch <= fromEpoch || epoch > toEpoch) {
            throw new IllegalArgumentException("segment " + fromEpoch + "->" + toEpoch + " cannot end at epoch "
                    + epoch);
        }
        return Checkpoints.trialDir(checkpointDir, study, number) + "/epoch-" + epoch + ".ckpt";
    }
}
