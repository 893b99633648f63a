package org.smarttuner.cli;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.smarttuner.storage.SqliteStudyStorage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Lists the names of a study file's studies (Optuna: {@code optuna study-names}, default format value). */
@Command(name = "study-names", mixinStandardHelpOptions = true,
        description = "List the names of the studies in a study file, one a line.")
final class StudyNamesCommand implements Callable<Integer> {
    @Mixin
    StorageOptions storage;

    @Option(names = {"-f", "--format"}, paramLabel = "FORMAT",
            description = "value, json, yaml or table (default: value, as Optuna's).")
    OutputFormat format = OutputFormat.value;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        List<String> names;
        try (SqliteStudyStorage st = storage.open()) {
            names = st.studyNames();
        }
        Column name = Column.of("name");
        List<Map<Column, Object>> records = names.stream().map(n -> Map.<Column, Object>of(name, n)).toList();
        spec.commandLine().getOut().println(OptunaOutput.list(records, List.of(name), format, false));
        spec.commandLine().getOut().flush();
        return Main.OK;
    }
}
