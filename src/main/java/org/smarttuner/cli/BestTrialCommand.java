package org.smarttuner.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.smarttuner.storage.SqliteStudyStorage;
import org.smarttuner.storage.StudyInfo;
import org.smarttuner.study.FrozenTrial;
import org.smarttuner.study.Study;
import org.smarttuner.study.pruner.NopPruner;
import org.smarttuner.study.sampler.RandomSampler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Prints the best completed trial (Optuna: {@code optuna best-trial}). */
@Command(name = "best-trial", mixinStandardHelpOptions = true, description = "Print the best completed trial.")
final class BestTrialCommand implements Callable<Integer> {
    @Mixin
    StorageOptions storage;

    @Option(names = {"-f", "--format"}, defaultValue = "table", description = "table or json (default: "
            + "${DEFAULT-VALUE}).")
    OutputFormat format;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Optional<FrozenTrial> best;
        try (SqliteStudyStorage st = storage.open()) {
            StudyInfo info = st.findStudy(storage.studyName).orElseThrow(() -> new UsageException("no study named '"
                    + storage.studyName + "' in " + storage.storage));
            best = Study.resume(info.name(), info.direction(), new RandomSampler(0), new NopPruner(),
                    st.trials(storage.studyName)).bestTrial();
        }
        if (best.isEmpty()) {
            throw new IllegalStateException("study '" + storage.studyName + "' has no completed trial yet");
        }
        PrintWriter out = spec.commandLine().getOut();
        if (format == OutputFormat.json) {
            out.println(StudyJson.write(StudyJson.trial(best.get())));
        } else {
            StudyJson.table(out, List.of(best.get()));
        }
        out.flush();
        return Main.OK;
    }
}
