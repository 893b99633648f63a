package org.smarttuner.tracking;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/** One queued change for the tracker's thread to send, in the order the driver made it. */
sealed interface Op {

    RunKey run();

    /** How many places it takes in the bounded queue; run starts and ends take none, so they are never dropped. */
    int entries();

    /** The op as unsent data, for the report. */
    List<UnsentItem> unsent(String study, Optional<String> runId, String reason);

    /**
     * Create or reuse a run, then log its params and tags. With {@code attachOnly} only find the run
     * an earlier process made (a finished trial that became the best one), changing nothing on it.
     */
    record StartRun(RunKey run, String runName, Optional<String> existingId, Map<String, String> params,
                    Map<String, String> tags, long timestampMs, CompletableFuture<Optional<String>> runId,
                    boolean attachOnly) implements Op {
        @Override
        public int entries() {
            return 0;
        }

        @Override
        public List<UnsentItem> unsent(String study, Optional<String> id, String reason) {
            List<UnsentItem> out = new ArrayList<>();
            out.add(new UnsentItem(study, run.trialNumber(), id, UnsentItem.Kind.RUN, runName, "", OptionalLong.empty(),
                    timestampMs, reason));
            params.forEach((k, v) -> out.add(new UnsentItem(study, run.trialNumber(), id, UnsentItem.Kind.PARAM, k, v,
                    OptionalLong.empty(), timestampMs, reason)));
            tags.forEach((k, v) -> out.add(new UnsentItem(study, run.trialNumber(), id, UnsentItem.Kind.TAG, k, v,
                    OptionalLong.empty(), timestampMs, reason)));
            return out;
        }
    }

    /** Metric points and tags for a run that exists (or will, once its StartRun is sent). */
    record Log(RunKey run, List<MetricPoint> metrics, Map<String, String> tags, long timestampMs) implements Op {
        @Override
        public int entries() {
            return metrics.size() + tags.size();
        }

        @Override
        public List<UnsentItem> unsent(String study, Optional<String> id, String reason) {
            List<UnsentItem> out = new ArrayList<>();
            for (MetricPoint m : metrics) {
                out.add(new UnsentItem(study, run.trialNumber(), id, UnsentItem.Kind.METRIC, m.key(),
                        Double.toString(m.value()), OptionalLong.of(m.step()), m.timestampMs(), reason));
            }
            tags.forEach((k, v) -> out.add(new UnsentItem(study, run.trialNumber(), id, UnsentItem.Kind.TAG, k, v,
                    OptionalLong.empty(), timestampMs, reason)));
            return out;
        }
    }

    /** Set the run's final status. */
    record EndRun(RunKey run, String status, long timestampMs) implements Op {
        @Override
        public int entries() {
            return 0;
        }

        @Override
        public List<UnsentItem> unsent(String study, Optional<String> id, String reason) {
            return List.of(new UnsentItem(study, run.trialNumber(), id, UnsentItem.Kind.RUN_STATUS, status, status,
                    OptionalLong.empty(), timestampMs, reason));
        }
    }

    /** Upload a local file into the run's artifacts under {@code artifactPath}. */
    record Upload(RunKey run, Path file, String artifactPath, long timestampMs) implements Op {
        @Override
        public int entries() {
            return 1;
        }

        @Override
        public List<UnsentItem> unsent(String study, Optional<String> id, String reason) {
            return List.of(new UnsentItem(study, run.trialNumber(), id, UnsentItem.Kind.ARTIFACT, artifactPath,
                    file.toString(), OptionalLong.empty(), timestampMs, reason));
        }
    }
}
