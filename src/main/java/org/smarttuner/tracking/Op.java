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

    /** Tells whoever waits on the op (an end or an upload) whether it reached the server. */
    default void settle(boolean delivered) {
        if (this instanceof EndRun e) {
            e.done().complete(delivered);
        } else if (this instanceof Upload u) {
            u.done().complete(delivered);
        }
    }

    /** How a StartRun treats a run an earlier process may have made. */
    enum Mode {
        /** Reuse the run (set back to RUNNING) or create it. */
        OPEN,
        /**
         * Only find the run an earlier process made (a finished trial that became the best one, or one
         * whose unsent entries are sent again), changing nothing on it but the params and tags given.
         */
        ATTACH,
        /**
         * A trial an earlier driver finished without MLflow confirming its end (the driver was killed):
         * a run that has ended takes nothing more (everything queued for it counts as there, since the
         * sender sends in order); a run still RUNNING is reused as is; no run is created anew.
         */
        ENDED_CHECK
    }

    /** Create or reuse a run, then log its params and tags, as {@code mode} says. */
    record StartRun(RunKey run, String runName, Optional<String> existingId, Map<String, String> params,
                    Map<String, String> tags, long timestampMs, CompletableFuture<Optional<String>> runId,
                    Mode mode) implements Op {
        boolean attachOnly() {
            return mode == Mode.ATTACH;
        }

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

    /** Set the run's final status; {@code done} completes true once the server has it, false when it went unsent. */
    record EndRun(RunKey run, String status, long timestampMs, CompletableFuture<Boolean> done) implements Op {
        EndRun(RunKey run, String status, long timestampMs) {
            this(run, status, timestampMs, new CompletableFuture<>());
        }

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

    /**
     * Upload a local file into the run's artifacts under {@code artifactPath}; {@code done} completes
     * true once uploaded, false when it went unsent (then it is in the unsent records).
     */
    record Upload(RunKey run, Path file, String artifactPath, long timestampMs, CompletableFuture<Boolean> done)
            implements Op {
        Upload(RunKey run, Path file, String artifactPath, long timestampMs) {
            this(run, file, artifactPath, timestampMs, new CompletableFuture<>());
        }

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
