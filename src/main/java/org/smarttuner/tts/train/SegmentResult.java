package org.smarttuner.tts.train;

import java.io.Serializable;
import java.util.List;
import java.util.Optional;

/**
 * What a training segment returns to the Spark driver: the metrics of every epoch it finished, the
 * checkpoint it wrote at its end (absent when it failed before writing one), and, when it stopped
 * early, why (for example a non-finite loss, which the pruner treats as a failed trial).
 */
public final class SegmentResult implements Serializable {
    private static final long serialVersionUID = 1L;

    private final List<EpochMetrics> epochs;
    private final String checkpoint;
    private final String failure;
    private final long parameters;

    private SegmentResult(List<EpochMetrics> epochs, String checkpoint, String failure, long parameters) {
        this.epochs = List.copyOf(epochs);
        this.checkpoint = checkpoint;
        this.failure = failure;
        this.parameters = parameters;
    }

    public static SegmentResult completed(List<EpochMetrics> epochs, String checkpoint, long parameters) {
        return new SegmentResult(epochs, checkpoint, null, parameters);
    }

    public static SegmentResult failed(List<EpochMetrics> epochs, String reason, long parameters) {
        return new SegmentResult(epochs, null, reason, parameters);
    }

    public List<EpochMetrics> epochs() {
        return epochs;
    }

    public Optional<String> checkpoint() {
        return Optional.ofNullable(checkpoint);
    }

    public Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    public boolean ok() {
        return failure == null;
    }

    /** Trainable parameters of the model. */
    public long parameters() {
        return parameters;
    }

    public Optional<EpochMetrics> last() {
        return epochs.isEmpty() ? Optional.empty() : Optional.of(epochs.get(epochs.size() - 1));
    }

    @Override
    public String toString() {
        return "SegmentResult{epochs=" + epochs.size() + (ok() ? ", checkpoint=" + checkpoint : ", failure=" + failure)
                + "}";
    }
}
