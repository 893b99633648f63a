package org.smarttuner.study.pruner;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.zip.CRC32;
import org.smarttuner.study.FrozenTrial;
import org.smarttuner.study.StudyException;
import org.smarttuner.study.StudyHistory;

/**
 * Hyperband over ASHA, as Optuna: {@code floor(log(max/min) / log(eta)) + 1} brackets (computed in
 * floating point as Optuna does, so 1..243 with eta 3 gives 5, not 6), bracket b an ASHA with
 * min_early_stopping_rate b; trials are spread over brackets by CRC32 of "{study}_{number}" in
 * proportion to each bracket's budget, and compete only within theirs. The sampler, too, sees
 * only the trials of the new trial's bracket ({@link #samplerView}), as Optuna's bracket study.
 */
public final class HyperbandPruner implements Pruner {
    private final List<SuccessiveHalvingPruner> brackets = new ArrayList<>();
    private final List<Integer> budgets = new ArrayList<>();
    private final int totalBudget;

    public HyperbandPruner(int minResource, int maxResource, int reductionFactor) {
        this(minResource, maxResource, reductionFactor, 0);
    }

    public HyperbandPruner(int minResource, int maxResource, int reductionFactor, int bootstrapCount) {
        if (minResource < 1 || maxResource < minResource) {
            throw new StudyException("hyperband needs 1 <= min_resource <= max_resource, got " + minResource
                    + " and " + maxResource);
        }
        if (reductionFactor < 2) {
            throw new StudyException("reduction_factor must be >= 2, got " + reductionFactor);
        }
        int n = bracketCount(minResource, maxResource, reductionFactor);
        int total = 0;
        for (int b = 0; b < n; b++) {
            int s = n - 1 - b;
            int budget = (int) Math.ceil(n * Math.pow(reductionFactor, s) / (s + 1));
            budgets.add(budget);
            total += budget;
            brackets.add(new SuccessiveHalvingPruner(OptionalInt.of(minResource), reductionFactor, b,
                    bootstrapCount));
        }
        totalBudget = total;
    }

    /**
     * Optuna's {@code floor(math.log(max / min, eta)) + 1}: Python divides the two logarithms in double
     * precision, which rounds some exact powers down (log(243) / log(3) = 4.999...). Math.log gives the
     * C library's doubles on every (min, max, eta) tested against Optuna; StrictMath's fdlibm log(3) is one
     * unit in the last place off and would give 5.0.
     */
    static int bracketCount(int minResource, int maxResource, int reductionFactor) {
        double ratio = (double) maxResource / minResource;
        return (int) Math.floor(Math.log(ratio) / Math.log(reductionFactor)) + 1;
    }

    public int bracketCount() {
        return brackets.size();
    }

    public List<Integer> budgets() {
        return List.copyOf(budgets);
    }

    /** The bracket a trial belongs to. */
    public int bracketOf(String studyName, int number) {
        CRC32 crc = new CRC32();
        crc.update((studyName + "_" + number).getBytes(StandardCharsets.UTF_8));
        long n = crc.getValue() % totalBudget;
        for (int b = 0; b < budgets.size(); b++) {
            n -= budgets.get(b);
            if (n < 0) {
                return b;
            }
        }
        throw new IllegalStateException("unreachable: budgets sum to " + totalBudget);
    }

    private StudyHistory bracketHistory(StudyHistory history, int bracket) {
        return new StudyHistory(history.studyName(), history.direction(), history.trials().stream()
                .filter(t -> bracketOf(history.studyName(), t.number()) == bracket).toList());
    }

    @Override
    public PruneDecision decide(StudyHistory history, FrozenTrial trial) {
        int b = bracketOf(history.studyName(), trial.number());
        return brackets.get(b).decide(bracketHistory(history, b), trial);
    }

    @Override
    public OptionalInt nextDecisionStep(StudyHistory history, FrozenTrial trial, int currentStep) {
        int b = bracketOf(history.studyName(), trial.number());
        return brackets.get(b).nextDecisionStep(bracketHistory(history, b), trial, currentStep);
    }

    @Override
    public StudyHistory samplerView(StudyHistory history, int number) {
        return bracketHistory(history, bracketOf(history.studyName(), number));
    }

    @Override
    public String name() {
        return "hyperband";
    }
}
