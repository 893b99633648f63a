package org.smarttuner.spark;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smarttuner.config.ConfigLoader;
import org.smarttuner.config.TunerConfig;
import org.smarttuner.study.FrozenTrial;
import org.smarttuner.study.Study;
import org.smarttuner.study.StudyDirection;
import org.smarttuner.study.TrialState;
import org.smarttuner.study.distribution.FloatDistribution;
import org.smarttuner.study.pruner.NopPruner;
import org.smarttuner.study.sampler.RandomSampler;
import org.smarttuner.tracking.LogCapture;

/** The report a finished job writes: a failure is a warning, never an exception that fails the study. */
class ReportJobHookTest {
    @TempDir
    Path dir;

    private Study study() {
        FrozenTrial t = new FrozenTrial(0, TrialState.COMPLETE, Map.of("learning_rate", 0.01), Map.of("learning_rate",
                FloatDistribution.of(0.0, 1.0)), Optional.of(1.5), new TreeMap<>(Map.of(1, 1.5)), Map.of(),
                Map.of(TrialCodec.CHECKPOINT, dir.resolve("gone.ckpt").toString()), Optional.of(Instant.now()),
                Optional.of(Instant.now()), 0);
        return Study.resume("hook", StudyDirection.MINIMIZE, new RandomSampler(0), new NopPruner(), List.of(t));
    }

    private TunerConfig config() {
        String yaml = "study: {name: hook}\nsearch_space: {learning_rate: {type: float, low: 0.001, high: 0.1}}\n"
                + "data: {path: " + dir.resolve("data") + "}\n";
        return new ConfigLoader(k -> null, dir).loadText(yaml, "hook.yaml", List.of(), Map.of());
    }

    @Test
    void aReportThatCannotBeWrittenIsAWarningOnly() throws Exception {
        Path file = dir.resolve("a-file");
        Files.writeString(file, "x");
        String where = file.resolve("report.html").toString();
        try (LogCapture log = new LogCapture()) {
            StudyReports.writeQuietly(config(), new Configuration(), study(), where);
            assertTrue(log.lines().stream().anyMatch(l -> l.startsWith("WARN") && l.contains("the report could not be "
                    + "written to " + where + " (the study itself is fine)")), log.lines().toString());
        }
    }

    @Test
    void aWritableReportPathGetsThePage() throws Exception {
        Path out = dir.resolve("reports/r.html");
        StudyReports.writeQuietly(config(), new Configuration(), study(), out.toString());
        String html = Files.readString(out);
        assertTrue(html.contains("<h1>Study hook</h1>"), html);
        assertTrue(html.contains("is gone"), "the missing checkpoint is said in the page");
    }
}
