package org.smarttuner.cli;

import java.util.concurrent.Callable;
import org.smarttuner.storage.SqliteStudyStorage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Sets a study user attribute (Optuna: {@code optuna study set-user-attr}): the value is stored as
 * a JSON string, as Optuna stores it, so {@code study.user_attrs} reads it back the same.
 */
@Command(name = "set-user-attr", mixinStandardHelpOptions = true, description = "Set a user attribute of a study.")
final class StudySetUserAttrCommand implements Callable<Integer> {
    @Mixin
    StudyOptions study;

    @Option(names = {"-k", "--key"}, required = true, paramLabel = "KEY", description = "The attribute's key.")
    String key;

    @Option(names = "--value", required = true, paramLabel = "VALUE",
            description = "The attribute's value (kept as a string, as Optuna's CLI keeps it).")
    String value;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        try (SqliteStudyStorage st = study.open()) {
            study.require(st);
            st.setStudyUserAttr(study.studyName, key, value);
        }
        spec.commandLine().getErr().println("Attribute successfully written.");
        return Main.OK;
    }
}
