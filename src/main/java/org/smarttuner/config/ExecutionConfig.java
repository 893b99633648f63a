package org.smarttuner.config;

import java.time.Duration;
import java.util.Optional;

/**
 * How trials run: Spark master, trials in flight, GPUs per trial, retries, checkpoints, and how long
 * one segment may run ({@code segment_timeout}: a segment in flight longer is cancelled and counted
 * as lost, like one whose executor died; none by default).
 */
public record ExecutionConfig(
        Optional<String> master,
        int parallelism,
        int gpusPerTrial,
        String device,
        int taskRetries,
        int trialRetries,
        String checkpointDir,
        int segmentEpochs,
        Optional<Duration> segmentTimeout) {

    /** Without a segment timeout. */
    public ExecutionConfig(Optional<String> master, int parallelism, int gpusPerTrial, String device, int taskRetries,
                           int trialRetries, String checkpointDir, int segmentEpochs) {
        this(master, parallelism, gpusPerTrial, device, taskRetries, trialRetries, checkpointDir, segmentEpochs,
                Optional.empty());
    }

    static ExecutionConfig read(ConfigReader r, PathResolver paths) {
        Optional<String> master = r.optString("master").map(String::trim);
        master.ifPresent(m -> {
            if (!m.matches("local(\\[(\\*|\\d+)(,\\s*\\d+)?\\])?|local-cluster\\[\\d+,\\s*\\d+,\\s*\\d+\\]"
                    + "|spark://.+|yarn|k8s://.+|mesos://.+")) {
                r.error("master", "'" + m + "' is not a Spark master URL",
                        "local, local[N], local[*], local-cluster[N,cores,memMB], spark://host:port, yarn, k8s://...");
            }
        });
        int parallelism = r.intValue("parallelism", 1, Range.closed(1, 10_000));
        int gpus = r.intValue("gpus_per_trial", 0, Range.closed(0, 64));
        String device = r.choice("device", "auto", "auto", "cpu", "gpu");
        if (device.equals("cpu") && gpus > 0) {
            r.error("gpus_per_trial", "gpus_per_trial is " + gpus + " but device is cpu",
                    "gpus_per_trial: 0 with device: cpu, or device: gpu/auto");
        }
        if (device.equals("gpu") && gpus == 0) {
            r.error("device", "device is gpu but gpus_per_trial is 0", "gpus_per_trial >= 1 with device: gpu");
        }
        int taskRetries = r.intValue("task_retries", 2, Range.closed(0, 100));
        int trialRetries = r.intValue("trial_retries", 1, Range.closed(0, 100));
        String checkpoints = paths.resolve(r.string("checkpoint_dir", "work/checkpoints"));
        int segment = r.intValue("segment_epochs", 1, Range.closed(1, 1_000_000));
        // A segment past this is cancelled and counted as lost, then retried within trial_retries.
        Optional<Duration> segmentTimeout = r.optDuration("segment_timeout");
        return new ExecutionConfig(master, parallelism, gpus, device, taskRetries, trialRetries, checkpoints, segment,
                segmentTimeout);
    }
}
