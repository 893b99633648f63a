package org.smarttuner.cli;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.smarttuner.storage.SqliteStudyStorage;
import org.smarttuner.storage.StudyInfo;
import org.smarttuner.storage.Update;
import org.smarttuner.study.FrozenTrial;
import org.smarttuner.study.Study;
import org.smarttuner.study.StudyException;
import org.smarttuner.study.TrialState;
import org.smarttuner.study.pruner.NopPruner;
import org.smarttuner.study.sampler.RandomSampler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Finishes a trial (Optuna: {@code optuna tell}). */
@Command(name = "tell", mixinStandardHelpOptions = true,
        description = "Finish a trial with its value, or as pruned or failed.")
final class TellCommand implements Callable<Integer> {
    @Mixin
    StudyOptions study;

    @Option(names = "--trial-number", required = true, description = "The number ask printed.")
    int number;

    @Option(names = "--values", arity = "0..*", description = "The objective value (one: single objective); "
            + "nan, inf and -inf as Python writes them. A nan makes the trial FAIL, as in Optuna.")
    List<String> values;

    @Option(names = "--state", defaultValue = "complete", description = "complete, pruned or fail (default: "
            + "${DEFAULT-VALUE}).")
    String state;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--skip-if-finished", description = "Succeed silently when the trial is already finished.")
    boolean skipIfFinished;

    @Override
    public Integer call() {
        TrialState s = switch (state.toLowerCase(java.util.Locale.ROOT)) {
            case "complete" -> TrialState.COMPLETE;
            case "pruned" -> TrialState.PRUNED;
            case "fail" -> TrialState.FAIL;
            default -> throw new UsageException("--state: '" + state + "' is not complete, pruned or fail");
        };
        if (values != null && values.size() > 1) {
            throw new UsageException("--values: " + values.size() + " values given; studies here have one objective");
        }
        Optional<Double> value = values == null || values.isEmpty() ? Optional.empty() : Optional.of(number(values.get(0)));
        if (s == TrialState.COMPLETE && value.isEmpty()) {
            throw new UsageException("--values is required with --state complete");
        }
        try (SqliteStudyStorage st = study.open()) {
            StudyInfo info = study.require(st);
            org.smarttuner.storage.DriverMark.refuseWhileDriven(st, study.studyName, "tell");
            st.update(study.studyName, trials -> {
                Study resumed = Study.resume(info.name(), info.direction(), new RandomSampler(0), new NopPruner(),
                        trials);
                FrozenTrial t;
                try {
                    t = resumed.trial(number);
                    if (skipIfFinished && t.state().isFinished()) {
                        return new Update<>(List.of(), t);
                    }
                    t = resumed.tell(number, s, value);
                } catch (StudyException e) {
                    throw new UsageException(e.getMessage());
                }
                return new Update<>(List.of(t), t);
            });
        }
        if (value.isPresent() && Double.isNaN(value.get()) && s == TrialState.COMPLETE) {
            // Optuna's CLI warns the same way and records the trial as FAIL
            spec.commandLine().getErr().println("trial " + number + " failed because the value nan is not acceptable; "
                    + "it is recorded as FAIL");
        }
        return Main.OK;
    }

    /** A float as Python prints one: also nan, inf, -inf, infinity (any case). */
    static double number(String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        switch (t) {
            case "nan", "+nan", "-nan" -> {
                return Double.NaN;
            }
            case "inf", "+inf", "infinity", "+infinity" -> {
                return Double.POSITIVE_INFINITY;
            }
            case "-inf", "-infinity" -> {
                return Double.NEGATIVE_INFINITY;
            }
            default -> {
                try {
                    return Double.parseDouble(t);
                } catch (NumberFormatException e) {
                    throw new UsageException("--values: '" + text + "' is not a number (a float, nan, inf or -inf)");
                }
            }
        }
    }
}
