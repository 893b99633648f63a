package org.smarttuner.cli;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.smarttuner.study.FrozenTrial;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** Lists a study's trials (Optuna: {@code optuna trials}, the same fields and formats). */
@Command(name = "trials", mixinStandardHelpOptions = true, description = "List a study's trials.")
final class TrialsCommand implements Callable<Integer> {
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
        TrialRecords r = TrialRecords.of(trials, metric);
        spec.commandLine().getOut().println(OptunaOutput.list(r.records(), r.columns(),
                output.or(OutputFormat.table), output.flatten));
        spec.commandLine().getOut().flush();
        return Main.OK;
    }
}
