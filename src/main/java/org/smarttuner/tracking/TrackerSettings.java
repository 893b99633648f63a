package org.smarttuner.tracking;

import java.time.Duration;
import java.util.Objects;

/**
 * How the MLflow tracker runs (the tracking side of {@code output.mlflow}; the job builds it from
 * the config).
 *
 * @param target         server and credentials
 * @param experiment     experiment name, created when missing
 * @param flushTimeout   how long {@code close()} waits for the backlog
 * @param queueCapacity  most entries (metric points, params, tags, artifacts) waiting to be sent;
 *                       run starts and ends are always queued
 * @param retryBase      first wait after a failed request (429, 5xx, connection); doubles each time
 * @param retryMax       longest wait between retries
 * @param requestTimeout how long one REST call may take before it counts as failed (and is retried)
 * @param uploadTimeout  how long one artifact upload may take
 */
public record TrackerSettings(TrackingTarget target, String experiment, Duration flushTimeout, int queueCapacity,
                              Duration retryBase, Duration retryMax, Duration requestTimeout, Duration uploadTimeout) {
    public TrackerSettings {
        Objects.requireNonNull(target, "target");
        if (experiment == null || experiment.isBlank()) {
            throw new IllegalArgumentException("MLflow experiment name must not be blank");
        }
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queue capacity must be at least 1, got " + queueCapacity);
        }
        if (flushTimeout.isNegative() || retryBase.isNegative() || retryBase.isZero() || retryMax.compareTo(retryBase) < 0
                || requestTimeout.isNegative() || requestTimeout.isZero() || uploadTimeout.isNegative()
                || uploadTimeout.isZero()) {
            throw new IllegalArgumentException("tracker timings must be positive with retryMax >= retryBase: flush "
                    + flushTimeout + ", retry " + retryBase + ".." + retryMax + ", request " + requestTimeout
                    + ", upload " + uploadTimeout);
        }
    }

    /** Defaults: retries 0.5 s doubling up to 30 s; a REST call times out after 30 s, an upload after 10 minutes. */
    public static TrackerSettings of(TrackingTarget target, String experiment, Duration flushTimeout, int queueCapacity) {
        return new TrackerSettings(target, experiment, flushTimeout, queueCapacity, Duration.ofMillis(500),
                Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofMinutes(10));
    }
}
