package org.smarttuner.tts.train;

import java.io.Serializable;
import java.util.List;
import java.util.Optional;

/**
 * What a training segment returns to the Spark driver: the metrics of every epoch it finished, the
 * checkpoint it wrote at its end (absent when it failed before writing one), and, when it stopped
 * early, why (for example a non-finite loss, which the pruner treats as a failed trial). A segment
 * that ended because an epoch reached the study's target ({@link TargetStop}) is a success: its
 * checkpoint is at that epoch and {@link #reachedTarget()} says so.
 */
public final class SegmentResult implements Serializable {
    private static final long serialVersionUID = 1L;

    private final List<EpochMetrics> epochs;
    private final String checkpoint;
    private final String failure;
    private final long parameters;
    /** Added after the first release; a result serialized without it reads back as false. */
    private final boolean reachedTarget;
    /** Added later too: the last epoch's alignments and spoken mel; null when none was taken. */
    private final RungSample sample;

    private SegmentResult(List<EpochMetrics> epochs, String checkpoint, String failure, long parameters,
            boolean reachedTarget, RungSample sample) {
        this.epochs = List.copyOf(epochs);
        this.checkpoint = checkpoint;
        this.failure = failure;
        this.parameters = parameters;
        this.reachedTarget = reachedTarget;
        this.sample = sample;
    }

    private SegmentResult(List<EpochMetrics> epochs, String checkpoint, String failure, long parameters,
            boolean reachedTarget) {
        this(epochs, checkpoint, failure, parameters, reachedTarget, null);
    }

    /** This result with the sample of its last epoch. */
    public SegmentResult withSample(RungSample s) {
        return new SegmentResult(epochs, checkpoint, failure, parameters, reachedTarget, s);
    }

    /** The last trained epoch's alignments and free-running mel on the first validation utterance. */
    public Optional<RungSample> sample() {
        return Optional.ofNullable(sample);
    }

    public static SegmentResult completed(List<EpochMetrics> epochs, String checkpoint, long parameters) {
        return new SegmentResult(epochs, checkpoint, null, parameters, false);
    }

    /** A segment that ended after its last epoch because that epoch reached the study's target. */
    public static SegmentResult targetReached(List<EpochMetrics> epochs, String checkpoint, long parameters) {
        if (epochs.isEmpty()) {
            throw new IllegalArgumentException("a segment that reached its target trained at least one epoch");
        }
        return new SegmentResult(epochs, checkpoint, null, parameters, true);
    }

    public static SegmentResult failed(List<EpochMetrics> epochs, String reason, long parameters) {
        return new SegmentResult(epochs, null, reason, parameters, false);
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

    /** Whether the segment ended because its last epoch reached the study's target. */
    public boolean reachedTarget() {
        return reachedTarget;
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
                + (reachedTarget ? ", reached target" : "") + "}";
    }
}
