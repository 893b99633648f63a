package org.smarttuner.cli;

import java.util.concurrent.Callable;
import org.smarttuner.storage.SqliteStudyStorage;
import org.smarttuner.study.StudyDirection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Creates a study in a study file (Optuna: {@code optuna create-study}). */
@Command(name = "create-study", mixinStandardHelpOptions = true,
        description = "Create a study in an Optuna-schema SQLite study file (created if missing).")
final class CreateStudyCommand implements Callable<Integer> {
    @Mixin
    StorageOptions storage;

    @Option(names = "--direction", defaultValue = "minimize", description = "minimize or maximize (default: "
            + "${DEFAULT-VALUE}).")
    String direction;

    @Option(names = "--skip-if-exists", description = "Succeed when the study already exists (same direction).")
    boolean skipIfExists;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        StudyDirection d = switch (direction.toLowerCase(java.util.Locale.ROOT)) {
            case "minimize" -> StudyDirection.MINIMIZE;
            case "maximize" -> StudyDirection.MAXIMIZE;
            default -> throw new UsageException("--direction: '" + direction + "' is not minimize or maximize");
        };
        try (SqliteStudyStorage st = storage.open()) {
            if (skipIfExists) {
                st.openOrCreateStudy(storage.studyName, d);
            } else {
                st.createStudy(storage.studyName, d);
            }
        }
        spec.commandLine().getOut().println(storage.studyName);
        spec.commandLine().getOut().flush();
        return Main.OK;
    }
}
