package org.smarttuner.tts.train;

import ai.djl.Device;
import java.nio.file.Path;
import java.util.Optional;
import org.smarttuner.tts.model.ModelSettings;

/**
 * One segment of a trial: train from {@code fromEpoch} completed epochs (resuming from
 * {@code resumeFrom} when it is > 0) up to {@code toEpoch} completed epochs, then write
 * {@code checkpointOut}. Settings already carry the trial's sampled parameters.
 *
 * @param artifacts where to write an attention-alignment PNG per validation (optional)
 * @param stopAt the study's target: the segment ends after the first epoch that reaches it, and
 *     {@code checkpointOut} then holds that epoch (optional)
 */
public record TrainingSegment(ModelSettings model, TrainingSettings training, Device device, int fromEpoch,
        int toEpoch, Optional<Path> resumeFrom, Path checkpointOut, Optional<Path> artifacts,
        Optional<TargetStop> stopAt) {
    /** A segment that trains all its epochs whatever they reach. */
    public TrainingSegment(ModelSettings model, TrainingSettings training, Device device, int fromEpoch, int toEpoch,
            Optional<Path> resumeFrom, Path checkpointOut, Optional<Path> artifacts) {
        this(model, training, device, fromEpoch, toEpoch, resumeFrom, checkpointOut, artifacts, Optional.empty());
    }

    public TrainingSegment {
        stopAt = stopAt == null ? Optional.empty() : stopAt;
        if (fromEpoch < 0 || toEpoch <= fromEpoch) {
            throw new IllegalArgumentException("a segment trains from epoch " + fromEpoch + " to epoch " + toEpoch
                    + "; it needs 0 <= from < to");
        }
        if (fromEpoch > 0 && resumeFrom.isEmpty()) {
            throw new IllegalArgumentException("a segment starting after epoch " + fromEpoch
                    + " needs the checkpoint written at its end (resumeFrom is empty)");
        }
        if (fromEpoch == 0 && resumeFrom.isPresent()) {
            throw new IllegalArgumentException("a segment starting at epoch 0 must not resume from a checkpoint ("
                    + resumeFrom.get() + ")");
        }
    }
}
