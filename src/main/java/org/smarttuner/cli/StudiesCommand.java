package org.smarttuner.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.smarttuner.storage.SqliteStudyStorage;
import org.smarttuner.storage.StudySummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/**
 * Lists a study file's studies (Optuna: {@code optuna studies}): name, direction (a tuple, as
 * Optuna's), n_trials, datetime_start (the earliest trial's start), and user_attrs where any study
 * has some.
 */
@Command(name = "studies", mixinStandardHelpOptions = true, description = "List the studies in a study file.")
final class StudiesCommand implements Callable<Integer> {
    @Mixin
    StorageOptions storage;

    @Mixin
    FormatOptions output;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        List<StudySummary> studies;
        try (SqliteStudyStorage st = storage.open()) {
            studies = st.summaries();
        }
        List<Column> columns = new ArrayList<>(List.of(Column.of("name"), Column.of("direction"),
                Column.of("n_trials"), Column.of("datetime_start")));
        if (studies.stream().anyMatch(s -> !s.userAttrs().isEmpty())) {
            columns.add(Column.of("user_attrs"));
        }
        List<Map<Column, Object>> records = new ArrayList<>();
        for (StudySummary s : studies) {
            Map<Column, Object> r = new LinkedHashMap<>();
            r.put(Column.of("name"), s.name());
            r.put(Column.of("direction"), new PyTuple(s.directions()));
            r.put(Column.of("n_trials"), s.nTrials());
            r.put(Column.of("datetime_start"), s.start().map(PythonText::datetime).orElse(null));
            r.put(Column.of("user_attrs"), s.userAttrs());
            records.add(r);
        }
        spec.commandLine().getOut().println(OptunaOutput.list(records, columns, output.or(OutputFormat.table),
                output.flatten));
        spec.commandLine().getOut().flush();
        return Main.OK;
    }
}
