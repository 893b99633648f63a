package org.smarttuner.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.smarttuner.storage.SqliteStudyStorage;
import org.smarttuner.study.FrozenTrial;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Lists a study's trials (Optuna: {@code optuna trials}). */
@Command(name = "trials", mixinStandardHelpOptions = true, description = "List a study's trials.")
final class TrialsCommand implements Callable<Integer> {
    @Mixin
    StorageOptions storage;

    @Option(names = {"-f", "--format"}, defaultValue = "table", description = "table or json (default: "
            + "${DEFAULT-VALUE}).")
    OutputFormat format;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        List<FrozenTrial> trials;
        try (SqliteStudyStorage st = storage.open()) {
            trials = st.trials(storage.studyName);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (format == OutputFormat.json) {
            out.println(StudyJson.write(trials.stream().map(StudyJson::trial).toList()));
        } else {
            StudyJson.table(out, trials);
        }
        out.flush();
        return Main.OK;
    }
}
