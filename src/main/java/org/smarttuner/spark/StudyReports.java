package org.smarttuner.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smarttuner.config.TunerConfig;
import org.smarttuner.report.StoredStudy;
import org.smarttuner.report.StudyReport;
import org.smarttuner.study.Study;

/**
 * The report a finished study leaves at {@code output.report_path} (local, or any Hadoop file
 * system). It is a courtesy: whatever goes wrong is logged as a warning and the study still ends
 * as it would have.
 */
final class StudyReports {
    private static final Logger LOG = LoggerFactory.getLogger(StudyReports.class);
    private static final int GRIFFIN_LIM_ITERATIONS = 32;

    private StudyReports() {
    }

    /**
     * Writes the report; returns a local file holding it (the report itself, or for a report on another file
     * system a copy beside the rung artifacts) for the mirrors, empty when it could not be written.
     */
    static Optional<Path> writeQuietly(TunerConfig config, Configuration hadoop, Study study, String reportPath) {
        try {
            long t0 = System.nanoTime();
            Path written;
            StoredStudy stored = new StoredStudy(study.name(), Optional.of(study.direction()), study.trials(),
                    new HashMap<Integer, java.time.Instant>(), Optional.empty(), "Delta tables at "
                    + config.output().deltaPath());
            String html = StudyReport.build(config, stored, new StudyReport.Options(Optional.empty(),
                    GRIFFIN_LIM_ITERATIONS, (from, to) -> Checkpoints.download(from, to, hadoop)), Clock.systemUTC());
            if (reportPath.matches("^[a-zA-Z][a-zA-Z0-9+.-]+:.*") && !reportPath.startsWith("file:")) {
                Path local = TrialArtifacts.studyDir(config).resolve("report.html");
                Files.createDirectories(local.getParent());
                StudyReport.write(html, local);
                Checkpoints.upload(local, reportPath, hadoop);
                written = local;
            } else {
                written = Path.of(reportPath.replaceFirst("^file:(//)?", ""));
                StudyReport.write(html, written);
            }
            LOG.info("Study {}: report written to {} ({} KiB in {} ms)", study.name(), reportPath, html.length() / 1024,
                    (System.nanoTime() - t0) / 1_000_000);
            return Optional.of(written.toAbsolutePath());
        } catch (IOException | RuntimeException | LinkageError e) {
            LOG.warn("Study {}: the report could not be written to {} (the study itself is fine): {}", study.name(),
                    reportPath, e.toString());
            return Optional.empty();
        }
    }
}
