package org.smarttuner.cli;

import java.util.List;
import java.util.Optional;
import org.smarttuner.study.FrozenTrial;
import org.smarttuner.storage.SqliteStudyStorage;
import org.smarttuner.storage.StudyInfo;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** --storage (and the options that go with it) and --study-name, for the verbs about one study. */
final class StudyOptions {
    @Mixin
    StorageOptions storage;

    @Option(names = "--study-name", required = true, paramLabel = "NAME", description = "The study's name.")
    String studyName;

    SqliteStudyStorage open() {
        return storage.open();
    }

    /** The study, or a usage error naming the studies the file has. */
    StudyInfo require(SqliteStudyStorage st) {
        return st.findStudy(studyName).orElseThrow(() -> missing(st));
    }

    /** A study's trials as the reading verbs print them: the study, its trials and its metric's name. */
    record Trials(StudyInfo info, List<FrozenTrial> trials, Optional<String> metric) {
    }

    /** Reads the study's trials in one visit to the file (a usage error when there is no such study). */
    Trials readTrials() {
        try (SqliteStudyStorage st = open()) {
            StudyInfo info = require(st);
            return new Trials(info, st.trials(studyName), TrialRecords.metricName(st, studyName));
        }
    }

    private UsageException missing(SqliteStudyStorage st) {
        List<String> names = st.studyNames();
        return new UsageException("no study named '" + studyName + "' in " + storage.storage + "; studies there: "
                + (names.isEmpty() ? "none (create one with smart-tuner create-study)" : String.join(", ", names)));
    }
}
