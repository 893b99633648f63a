package org.smarttuner.tracking;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/** Opens the tracker a job asks for: MLflow when a tracking URI is set, otherwise none. */
public final class Trackers {
    private static final Logger LOG = LoggerFactory.getLogger(Trackers.class);

    private Trackers() {
    }

    /**
     * The tracker for a tracking URI from the config (else {@code MLFLOW_TRACKING_URI} in {@code env});
     * a {@link NoopTracker} and one INFO line when neither is set.
     *
     * @throws IllegalArgumentException when the URI cannot be used or its credentials are missing
     */
    public static StudyTracker open(Optional<String> trackingUri, String experiment, Duration flushTimeout,
                                    int queueCapacity, Map<String, String> env, Consumer<UnsentItem> overflowSink) {
        Optional<TrackingTarget> target = TrackingTarget.resolve(trackingUri, env);
        if (target.isEmpty()) {
            LOG.info("MLflow tracking is off (no output.mlflow.tracking_uri and no MLFLOW_TRACKING_URI)");
            return new NoopTracker();
        }
        TrackerSettings settings = TrackerSettings.of(target.get(), experiment, flushTimeout, queueCapacity);
        LOG.info("MLflow tracking to {} (experiment '{}'{})", target.get().host(), experiment,
                target.get().credentials().map(c -> ", signing in with " + (c instanceof Credentials.Bearer ? "the token"
                        : "the user and password") + " from " + c.source()).orElse(""));
        return MlflowTracker.start(settings, overflowSink);
    }
}
