package org.smarttuner.tracking;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CompletableFuture;

/** Trackers pointed at a {@link FakeMlflowServer}, with retries fast enough for tests. */
final class TrackerFixture {
    final List<UnsentItem> overflow = new CopyOnWriteArrayList<>();

    static TrackerSettings settings(String uri, int capacity) {
        TrackingTarget target = TrackingTarget.resolve(Optional.of(uri), Map.of()).orElseThrow();
        return settings(target, capacity);
    }

    static TrackerSettings settings(TrackingTarget target, int capacity) {
        return new TrackerSettings(target, "tts-tuning", Duration.ofSeconds(20), capacity, Duration.ofMillis(20),
                Duration.ofMillis(200), Duration.ofSeconds(20), Duration.ofSeconds(20));
    }

    MlflowTracker start(FakeMlflowServer server) {
        return start(settings(server.uri(), 10_000));
    }

    MlflowTracker start(TrackerSettings settings) {
        return MlflowTracker.start(settings, overflow::add);
    }

    static StudyInfo study(String name, Optional<String> parentRunId) {
        return new StudyInfo(name, Map.of("model.preset", "small", "training.epochs", 3, "training.lr_decay", 0.5),
                "TPESampler(seed=1)", "SuccessiveHalvingPruner(min_resource=1)", "sha256:abc123", "0.1.0+g1234",
                parentRunId);
    }

    static Map<String, Object> params(int trial) {
        return Map.of("learning_rate", 1e-3 * (trial + 1), "batch_size", 8 * (trial + 1), "optimizer",
                trial % 2 == 0 ? "adam" : "adamw");
    }

    static Map<String, Double> epoch(int trial, int step) {
        return Map.of("train_loss", 1.0 / (step + 1) + trial, "val_loss", 1.1 / (step + 1) + trial);
    }

    static String id(CompletableFuture<Optional<String>> f) throws Exception {
        return f.get(30, TimeUnit.SECONDS).orElseThrow(() -> new AssertionError("run id expected"));
    }
}
