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
        description = "Create a study in an Optuna-schema SQLite study file (created if missing); prints its name.")
final class CreateStudyCommand implements Callable<Integer> {
    @Mixin
    StorageOptions storage;

    @Option(names = "--study-name", paramLabel = "NAME",
            description = "The study's name (default: no-name-<uuid>, as Optuna's).")
    String studyName;

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
        String name = studyName != null ? studyName : "no-name-" + java.util.UUID.randomUUID();
        try (SqliteStudyStorage st = storage.open()) {
            if (skipIfExists) {
                st.openOrCreateStudy(name, d);
            } else {
                st.createStudy(name, d);
            }
        }
        spec.commandLine().getOut().println(name);
        spec.commandLine().getOut().flush();
        return Main.OK;
    }
}
