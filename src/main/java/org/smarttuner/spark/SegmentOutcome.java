package org.smarttuner.spark;

import java.io.Serializable;
import java.util.List;
import java.util.Optional;

/**
 * What an executor returns for one segment. {@code failure} is a trial outcome (a non-finite
 * loss: the trial is pruned); {@code error} is an exception the training threw (bad parameters,
 * out of memory: the trial fails with it). Executor identity and times feed the trials table
 * and the driver-overhead figures.
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
        long taskEndMillis) implements Serializable {
    private static final long serialVersionUID = 1L;

    public SegmentOutcome {
        epochs = List.copyOf(epochs);
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
}
