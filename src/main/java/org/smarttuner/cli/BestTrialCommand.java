package org.smarttuner.cli;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.smarttuner.storage.StudyInfo;
import org.smarttuner.study.FrozenTrial;
import org.smarttuner.study.Study;
import org.smarttuner.study.pruner.NopPruner;
import org.smarttuner.study.sampler.RandomSampler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** Prints the best completed trial (Optuna: {@code optuna best-trial}, the same fields and formats). */
@Command(name = "best-trial", mixinStandardHelpOptions = true, description = "Print the best completed trial.")
final class BestTrialCommand implements Callable<Integer> {
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
        FrozenTrial best = Study.resume(info.name(), info.direction(), new RandomSampler(0), new NopPruner(), trials)
                .bestTrial().orElseThrow(() -> new IllegalStateException("study '" + study.studyName
                        + "' has no completed trial yet (Optuna fails the same way; best-trials prints an empty list)"));
        TrialRecords r = TrialRecords.of(trials, metric);
        spec.commandLine().getOut().println(OptunaOutput.one(r.record(best.number()), r.columns(),
                output.or(OutputFormat.table), output.flatten));
        spec.commandLine().getOut().flush();
        return Main.OK;
    }
}
