package org.smarttuner.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smarttuner.spark.results.MetricRow;
import org.smarttuner.storage.SqliteStudyStorage;
import org.smarttuner.study.FrozenTrial;
import org.smarttuner.study.StudyDirection;
import org.smarttuner.study.TrialState;

/**
 * The study file in Optuna's schema, kept in step with Delta so that {@code optuna.load_study},
 * the Optuna CLI and optuna-dashboard see the study as it runs. Running trials get a heartbeat on
 * every change. A study that Optuna started in this file (and that Delta does not know yet) is
 * continued from the file's trials.
 */
public final class SqliteMirror implements StudyMirror {
    private static final Logger LOG = LoggerFactory.getLogger(SqliteMirror.class);

    private final SqliteStudyStorage storage;
    private final String study;

    public SqliteMirror(Path file, String study, StudyDirection direction) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot create the folder of the study file " + file, e);
        }
        this.storage = SqliteStudyStorage.open(file);
        this.study = study;
        storage.openOrCreateStudy(study, direction);
        LOG.info("Study file {} (Optuna schema; open it with optuna-dashboard sqlite:///{})", file, file);
    }

    @Override
    public String name() {
        return "sqlite";
    }

    @Override
    public List<FrozenTrial> existingTrials() {
        return storage.trials(study);
    }

    @Override
    public void trialsChanged(List<FrozenTrial> trials, List<MetricRow> newMetrics) {
        storage.writeTrials(study, trials);
        for (FrozenTrial t : trials) {
            if (t.state() == TrialState.RUNNING) {
                storage.heartbeat(study, t.number());
            }
        }
    }

    @Override
    public void close() {
        storage.close();
    }
}
