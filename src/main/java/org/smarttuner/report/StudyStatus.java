package org.smarttuner.report;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.smarttuner.study.FrozenTrial;
import org.smarttuner.study.StudyDirection;
import org.smarttuner.study.TrialState;

/**
 * Where a study stands, from its stores alone: trials by state, the best so far, the running trials
 * (where, on which GPU, for how long, when last heard of) and whether the study is healthy.
 *
 * <p>Phases, and the exit codes the status command maps them to: RUNNING (0) some trial runs and
 * every running trial was heard of within the grace period; STALE (3) some running trial was not
 * (its driver or executor is probably gone); FINISHED (0) nothing runs; FAILED (4) nothing runs and
 * the last {@code min(max_failures, finished)} finished trials all failed, which is how a study
 * stopped by max_failures (or one whose every trial failed) looks.
 */
public record StudyStatus(String study, String source, Phase phase, Map<TrialState, Integer> counts,
                          Optional<FrozenTrial> best, List<Running> running, Optional<Instant> lastEvent,
                          Duration staleAfter, int trailingFailures, Instant now) {

    public enum Phase { RUNNING, STALE, FINISHED, FAILED }

    /** A RUNNING trial: where it runs, since when, when the driver last recorded it. */
    public record Running(int number, Optional<String> executor, Optional<String> gpu, Optional<Instant> started,
                          Optional<Instant> lastSeen, int epochsDone, boolean stale) {
    }

    public StudyStatus {
        counts = Map.copyOf(counts);
        running = List.copyOf(running);
    }

    public static StudyStatus of(StoredStudy s, StudyDirection direction, Duration staleAfter, int maxFailures,
                                 Instant now) {
        Map<TrialState, Integer> counts = new EnumMap<>(TrialState.class);
        List<Running> running = new ArrayList<>();
        for (FrozenTrial t : s.trials()) {
            counts.merge(t.state(), 1, Integer::sum);
            if (t.state() == TrialState.RUNNING) {
                Optional<Instant> seen = Optional.ofNullable(s.lastSeen().get(t.number())).or(t::start);
                boolean stale = seen.isEmpty() || seen.get().plus(staleAfter).isBefore(now);
                Object epochs = t.systemAttrs().get("epochs_done");
                running.add(new Running(t.number(), str(t.systemAttrs().get("executor")),
                        str(t.systemAttrs().get("gpu")), t.start(), seen,
                        epochs instanceof Number n ? n.intValue() : t.lastStep().orElse(0), stale));
            }
        }
        List<FrozenTrial> finished = s.trials().stream().filter(t -> t.state().isFinished())
                .sorted(Comparator.comparing((FrozenTrial t) -> t.complete().orElse(Instant.EPOCH))
                        .thenComparingInt(FrozenTrial::number)).toList();
        int trailing = 0;
        for (int i = finished.size() - 1; i >= 0 && finished.get(i).state() == TrialState.FAIL; i--) {
            trailing++;
        }
        Phase phase;
        if (!running.isEmpty()) {
            phase = running.stream().anyMatch(Running::stale) ? Phase.STALE : Phase.RUNNING;
        } else if (!finished.isEmpty() && trailing >= Math.min(Math.max(1, maxFailures), finished.size())) {
            phase = Phase.FAILED;
        } else {
            phase = Phase.FINISHED;
        }
        return new StudyStatus(s.name(), s.source(), phase, counts, HtmlReport.best(s.trials(), direction), running,
                s.lastEvent(), staleAfter, trailing, now);
    }

    private static Optional<String> str(Object o) {
        return o == null ? Optional.empty() : Optional.of(String.valueOf(o));
    }
}
