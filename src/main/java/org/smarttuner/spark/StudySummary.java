package org.smarttuner.spark;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.smarttuner.study.FrozenTrial;
import org.smarttuner.study.TrialState;

/** How a study run ended: counts by state, the best trial, why it stopped, driver overhead. */
public record StudySummary(
        String study,
        Map<TrialState, Long> counts,
        Optional<FrozenTrial> best,
        String stopReason,
        Duration elapsed,
        String overhead,
        long[] overheadFigures,
        Map<String, Integer> mirrorsBehind,
        boolean failedStop) {

    public String describe(String metric) {
        StringBuilder sb = new StringBuilder();
        sb.append("Study ").append(study).append(" stopped: ").append(stopReason).append('\n');
        sb.append("  trials: ").append(counts).append(" in ").append(formatDuration(elapsed)).append('\n');
        if (best.isPresent()) {
            FrozenTrial b = best.get();
            sb.append("  best trial: #").append(b.number()).append(' ').append(metric).append(" = ")
                    .append(b.value().orElseThrow()).append('\n');
            sb.append("  params: ").append(b.params()).append('\n');
            VoiceAttributes.describe(b).ifPresent(v -> sb.append("  voice (free-running validation): ").append(v)
                    .append('\n'));
            Object ck = b.systemAttrs().get(TrialCodec.CHECKPOINT);
            if (ck != null) {
                sb.append("  checkpoint: ").append(ck).append('\n');
            }
        } else {
            sb.append("  no trial completed\n");
        }
        sb.append("  driver overhead: ").append(overhead);
        mirrorsBehind.forEach((m, n) -> {
            if (n > 0) {
                sb.append("\n  mirror ").append(m).append(" is behind by ").append(n)
                        .append(" trials (Delta has them; rerun to catch up)");
            }
        });
        return sb.toString();
    }

    public static String formatDuration(Duration d) {
        long s = d.toSeconds();
        return s >= 3600 ? String.format("%dh%02dm", s / 3600, s % 3600 / 60)
                : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
