package org.smarttuner.cli;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.smarttuner.storage.StudyInfo;
import org.smarttuner.study.FrozenTrial;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/**
 * Prints the trials on the Pareto front (Optuna: {@code optuna best-trials}); with one objective,
 * every complete trial that has the best value. No complete trial: an empty list, as Optuna.
 */
@Command(name = "best-trials", mixinStandardHelpOptions = true,
        description = "Print the best trials (with one objective: all complete trials with the best value).")
final class BestTrialsCommand implements Callable<Integer> {
    @Mixin
    StudyOptions study;

    @Mixin
    FormatOptions output;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        StudyOptions.Trials read = study.readTrials();
        List<FrozenTrial> trials = read.trials();
        Optional<String> metric = read.metric();
        StudyInfo info = read.info();
        Set<Integer> best = TrialRecords.best(trials, info.direction()).stream().map(FrozenTrial::number)
                .collect(Collectors.toSet());
        TrialRecords r = TrialRecords.of(trials, metric);
        List<Map<Column, Object>> records = r.records().stream()
                .filter(x -> best.contains((Integer) x.get(Column.of("number")))).toList();
        spec.commandLine().getOut().println(OptunaOutput.list(records, r.columns(), output.or(OutputFormat.table),
                output.flatten));
        spec.commandLine().getOut().flush();
        return Main.OK;
    }
}
