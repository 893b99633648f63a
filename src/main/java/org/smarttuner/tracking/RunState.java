package org.smarttuner.tracking;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the sender knows a run already has on the server (or has given up sending), so a retry, a
 * resumed study or a repeated value is never sent twice and a param is never sent with a new value.
 * Only the sender's thread touches it.
 */
final class RunState {
    final String runId;
    final String artifactUri;
    final Map<String, String> params = new HashMap<>();
    final Map<String, String> tags = new HashMap<>();
    private final Map<String, Set<Long>> steps = new HashMap<>();
    final Optional<String> failure;
    /**
     * Found already ended by an earlier process ({@link Op.Mode#ENDED_CHECK}): what is queued for it was
     * sent before its end (the sender keeps order), so nothing more is sent to it.
     */
    boolean ended;
    /** The metric keys an ended run had when it was found (their steps are read only if it takes more). */
    java.util.List<String> endedMetricKeys = java.util.List.of();

    private RunState(String runId, String artifactUri, Optional<String> failure) {
        this.runId = runId;
        this.artifactUri = artifactUri;
        this.failure = failure;
    }

    static RunState of(RemoteRun run) {
        RunState s = new RunState(run.runId(), run.artifactUri(), Optional.empty());
        s.params.putAll(run.params());
        s.tags.putAll(run.tags());
        return s;
    }

    /** A run that could not be made; everything for it goes to the report with this reason. */
    static RunState failed(String reason) {
        return new RunState(null, null, Optional.of(reason));
    }

    boolean hasStep(String key, long step) {
        Set<Long> s = steps.get(key);
        return s != null && s.contains(step);
    }

    void addStep(String key, long step) {
        steps.computeIfAbsent(key, k -> new HashSet<>()).add(step);
    }

    void addSteps(String key, Set<Long> logged) {
        steps.computeIfAbsent(key, k -> new HashSet<>()).addAll(logged);
    }

    /**
     * A finished run takes no more metrics or params: keep only its ids (for a best trial's
     * checkpoint upload), so memory does not grow with the number of trials.
     */
    void finished() {
        steps.clear();
        params.clear();
        tags.clear();
    }
}
