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

    @Override
    public CompletableFuture<Optional<String>> studyStarted(StudyInfo study) {
        return NO_RUN;
    }

    @Override
    public CompletableFuture<Optional<String>> trialStarted(int trial, Map<String, ?> params, Optional<String> runId) {
        return NO_RUN;
    }

    @Override
    public void epochMetrics(int trial, long step, Map<String, Double> metrics) {
    }

    @Override
    public void trialFinished(int trial, TrialOutcome outcome, OptionalDouble value, Optional<String> reason) {
    }

    @Override
    public void artifact(int trial, Path file, String artifactPath) {
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
