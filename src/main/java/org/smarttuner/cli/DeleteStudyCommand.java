package org.smarttuner.cli;

import java.util.concurrent.Callable;
import org.smarttuner.storage.SqliteStudyStorage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Deletes a study and its trials (Optuna: {@code optuna delete-study}; prints nothing). */
@Command(name = "delete-study", mixinStandardHelpOptions = true, description = "Delete a study and its trials.")
final class DeleteStudyCommand implements Callable<Integer> {
    @Mixin
    StudyOptions study;

    @Override
    public Integer call() {
        try (SqliteStudyStorage st = study.open()) {
            study.require(st);
            st.deleteStudy(study.studyName);
        }
        return Main.OK;
    }
}
