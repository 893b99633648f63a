package org.smarttuner.cli;

import java.util.concurrent.Callable;
import org.smarttuner.storage.SqliteStudyStorage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Deletes a study and its trials (Optuna: {@code optuna delete-study}). */
@Command(name = "delete-study", mixinStandardHelpOptions = true, description = "Delete a study and its trials.")
final class DeleteStudyCommand implements Callable<Integer> {
    @Mixin
    StorageOptions storage;

    @Override
    public Integer call() {
        try (SqliteStudyStorage st = storage.open()) {
            st.deleteStudy(storage.studyName);
        }
        return Main.OK;
    }
}
