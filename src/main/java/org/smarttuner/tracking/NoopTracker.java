package org.smarttuner.tracking;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.CompletableFuture;

/** Tracking off: accepts everything and sends nothing. */
public final class NoopTracker implements StudyTracker {

    private static final CompletableFuture<Optional<String>> NO_RUN = CompletableFuture.completedFuture(Optional.empty());
    private static final CompletableFuture<Boolean> NOT_SENT = CompletableFuture.completedFuture(false);

    @Override
    public CompletableFuture<Optional<String>> studyStarted(StudyInfo study) {
        return NO_RUN;
    }

    @Override
    public CompletableFuture<Optional<String>> trialStarted(int trial, Map<String, ?> params, Optional<String> runId) {
        return NO_RUN;
    }

    @Override
    public CompletableFuture<Optional<String>> trialEndedBefore(int trial, Map<String, ?> params,
                                                                Optional<String> runId) {
        return NO_RUN;
    }

    @Override
    public void epochMetrics(int trial, long step, Map<String, Double> metrics) {
    }

    @Override
    public CompletableFuture<Boolean> trialFinished(int trial, TrialOutcome outcome, OptionalDouble value,
                                                    Optional<String> reason) {
        return NOT_SENT;
    }

    @Override
    public CompletableFuture<Boolean> artifact(int trial, Path file, String artifactPath) {
        return NOT_SENT;
    }

    @Override
    public CompletableFuture<Boolean> studyArtifact(Path file, String artifactPath) {
        return NOT_SENT;
    }

    @Override
    public void resend(java.util.List<UnsentItem> items) {
    }

    @Override
    public void bestTrial(int trial, double value, Optional<Path> checkpoint) {
    }

    @Override
    public void studyFinished(boolean failed) {
    }

    @Override
    public TrackingReport close(Duration flushTimeout) {
        return TrackingReport.empty();
    }

    @Override
    public void close() {
    }
}
