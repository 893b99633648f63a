package org.smarttuner.tts.data;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What preparing a dataset found and did: rows read, rows skipped by kind (with the first few
 * examples), unknown characters dropped, and how many mels came from the cache.
 */
public record PrepareReport(
        String dataset,
        int rows,
        int usable,
        int train,
        int validation,
        Map<BadRowKind, Integer> skipped,
        List<BadRow> examples,
        long droppedCharacters,
        int featuresReused,
        int featuresComputed,
        String cacheDir,
        double audioSeconds,
        double seconds) {
    public PrepareReport {
        skipped = Map.copyOf(skipped);
        examples = List.copyOf(examples);
    }

    public int skippedTotal() {
        return skipped.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** The one summary line a run logs. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append("dataset ").append(dataset).append(": ").append(rows).append(" rows, ").append(usable)
                .append(" usable (").append(train).append(" train, ").append(validation).append(" validation)");
        if (!skipped.isEmpty()) {
            sb.append(", skipped ").append(skippedTotal()).append(" (")
                    .append(java.util.Arrays.stream(BadRowKind.values()).filter(skipped::containsKey)
                            .map(k -> k.label() + " " + skipped.get(k)).collect(Collectors.joining(", ")))
                    .append(")");
        }
        if (droppedCharacters > 0) {
            sb.append(", ").append(droppedCharacters).append(" unknown characters dropped");
        }
        sb.append(String.format(java.util.Locale.ROOT, "; %.1f min of audio; features: %d reused, %d computed in %s; %.1f s",
                audioSeconds / 60, featuresReused, featuresComputed, cacheDir, seconds));
        return sb.toString();
    }
}
