package org.smarttuner.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.smarttuner.study.FrozenTrial;
import org.smarttuner.study.TrialState;

/** A study status as text for people or as JSON for schedulers and scripts. */
public final class StatusFormat {
    private StatusFormat() {
    }

    public static String text(StudyStatus s, String metric) {
        StringBuilder sb = new StringBuilder();
        sb.append("Study ").append(s.study()).append(" (").append(s.source()).append("): ").append(describe(s))
                .append('\n');
        sb.append("  trials: ").append(s.counts().values().stream().mapToInt(Integer::intValue).sum()).append(" (");
        StringBuilder parts = new StringBuilder();
        for (TrialState st : TrialState.values()) {
            Integer n = s.counts().get(st);
            if (n != null) {
                parts.append(parts.length() == 0 ? "" : ", ").append(n).append(' ').append(st.name().toLowerCase());
            }
        }
        sb.append(parts.length() == 0 ? "none" : parts).append(")\n");
        if (s.best().isPresent()) {
            FrozenTrial b = s.best().get();
            sb.append("  best: #").append(b.number()).append(' ').append(metric).append(' ')
                    .append(String.format(Locale.ROOT, "%.6g", b.value().orElseThrow())).append(' ')
                    .append(b.params()).append('\n');
        } else {
            sb.append("  best: no trial complete yet\n");
        }
        for (StudyStatus.Running r : s.running()) {
            sb.append("  running #").append(r.number()).append(": epoch ").append(r.epochsDone()).append(" on ")
                    .append(r.executor().orElse("(executor not recorded yet)"))
                    .append(r.gpu().map(g -> " gpu " + g).orElse("")).append(", for ")
                    .append(r.started().map(t -> format(Duration.between(t, s.now()))).orElse("?"))
                    .append(", last recorded ").append(r.lastSeen().map(t -> format(Duration.between(t, s.now()))
                            + " ago").orElse("never"));
            if (r.stale()) {
                sb.append("  STALE (nothing recorded for more than ").append(format(s.staleAfter())).append(')');
            }
            sb.append('\n');
        }
        sb.append("  last event: ").append(s.lastEvent().map(t -> t + " (" + format(Duration.between(t, s.now()))
                + " ago)").orElse("none recorded")).append('\n');
        return sb.toString();
    }

    private static String describe(StudyStatus s) {
        return switch (s.phase()) {
            case RUNNING -> "running, healthy";
            case STALE -> "running, " + s.running().stream().filter(StudyStatus.Running::stale).count()
                    + " trial(s) with no record for more than " + format(s.staleAfter())
                    + " (driver or executor gone? rerun the tune command to resume)";
            case FINISHED -> "finished";
            case FAILED -> "stopped on failures: the last " + s.trailingFailures() + " finished trial(s) failed";
        };
    }

    public static String json(StudyStatus s, String metric, int exitCode) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("study", s.study());
        m.put("source", s.source());
        m.put("phase", s.phase().name().toLowerCase());
        m.put("exit_code", exitCode);
        m.put("metric", metric);
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (TrialState st : TrialState.values()) {
            counts.put(st.name().toLowerCase(), s.counts().getOrDefault(st, 0));
        }
        m.put("counts", counts);
        m.put("best", s.best().map(b -> {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("number", b.number());
            o.put("value", b.value().orElseThrow());
            o.put("params", b.params());
            return (Object) o;
        }).orElse(null));
        m.put("running", s.running().stream().map(r -> {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("number", r.number());
            o.put("executor", r.executor().orElse(null));
            o.put("gpu", r.gpu().orElse(null));
            o.put("epochs_done", r.epochsDone());
            o.put("started", r.started().map(Instant::toString).orElse(null));
            o.put("running_s", r.started().map(t -> Duration.between(t, s.now()).toSeconds()).orElse(null));
            o.put("last_seen", r.lastSeen().map(Instant::toString).orElse(null));
            o.put("since_seen_s", r.lastSeen().map(t -> Duration.between(t, s.now()).toSeconds()).orElse(null));
            o.put("stale", r.stale());
            return o;
        }).toList());
        m.put("stale_after_s", s.staleAfter().toSeconds());
        m.put("trailing_failures", s.trailingFailures());
        m.put("last_event", s.lastEvent().map(Instant::toString).orElse(null));
        m.put("checked_at", s.now().toString());
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(m);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write the status as JSON", e);
        }
    }

    static String format(Duration d) {
        long s = Math.max(0, d.toSeconds());
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60)
                : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
