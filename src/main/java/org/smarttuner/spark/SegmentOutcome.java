package org.smarttuner.spark;

import java.io.Serializable;
import java.util.List;
import java.util.Optional;

/**
 * What an executor returns for one segment. {@code failure} is a trial outcome (a non-finite
 * loss: the trial is pruned); {@code error} is an exception the training threw (bad parameters,
 * out of memory: the trial fails with it). Executor identity and times feed the trials table
 * and the driver-overhead figures.
 *
 * <p>{@code damagedCheckpoint}, when set, is the shared-storage path of the checkpoint the segment
 * was to resume from, found damaged (see {@code DamagedCheckpointException}); {@code error} then
 * says why, and no epochs were trained. Running the segment again from that file cannot help:
 * the driver resumes the trial from an earlier checkpoint, restarts it, or fails it.
 */
public record SegmentOutcome(
        String study,
        int number,
        int segment,
        List<EpochStats> epochs,
        String checkpoint,
        String failure,
        String error,
        String executorId,
        String host,
        String gpu,
        long taskStartMillis,
        long taskEndMillis,
        String damagedCheckpoint,
        TrialArtifacts artifacts,
        String engine) implements Serializable {
    private static final long serialVersionUID = 4L;

    /** An outcome without a note of the engine (device, libtorch, GPU math settings). */
    public SegmentOutcome(String study, int number, int segment, List<EpochStats> epochs, String checkpoint,
            String failure, String error, String executorId, String host, String gpu, long taskStartMillis,
            long taskEndMillis, String damagedCheckpoint, TrialArtifacts artifacts) {
        this(study, number, segment, epochs, checkpoint, failure, error, executorId, host, gpu, taskStartMillis,
                taskEndMillis, damagedCheckpoint, artifacts, null);
    }

    /** An outcome without rung artifacts. */
    public SegmentOutcome(String study, int number, int segment, List<EpochStats> epochs, String checkpoint,
            String failure, String error, String executorId, String host, String gpu, long taskStartMillis,
            long taskEndMillis, String damagedCheckpoint) {
        this(study, number, segment, epochs, checkpoint, failure, error, executorId, host, gpu, taskStartMillis,
                taskEndMillis, damagedCheckpoint, null);
    }

    /** The images and spoken sample of the segment's last epoch, when the request asked for them. */
    public Optional<TrialArtifacts> rungArtifacts() {
        return Optional.ofNullable(artifacts);
    }

    public SegmentOutcome {
        epochs = List.copyOf(epochs);
        if (damagedCheckpoint != null && error == null) {
            throw new IllegalArgumentException("a damaged checkpoint is an error: give its message");
        }
    }

    /** An outcome whose resume checkpoint, if any, was read fine. */
    public SegmentOutcome(String study, int number, int segment, List<EpochStats> epochs, String checkpoint,
            String failure, String error, String executorId, String host, String gpu, long taskStartMillis,
            long taskEndMillis) {
        this(study, number, segment, epochs, checkpoint, failure, error, executorId, host, gpu, taskStartMillis,
                taskEndMillis, null);
    }

    public Optional<String> checkpointPath() {
        return Optional.ofNullable(checkpoint);
    }

    public Optional<String> failureReason() {
        return Optional.ofNullable(failure);
    }

    public Optional<String> errorMessage() {
        return Optional.ofNullable(error);
    }

    /** The checkpoint the segment could not resume from because it is damaged, if that is why it failed. */
    public Optional<String> damagedCheckpointPath() {
        return Optional.ofNullable(damagedCheckpoint);
    }
}
