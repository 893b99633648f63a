package org.smarttuner.study.pruner;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import org.smarttuner.study.FrozenTrial;
import org.smarttuner.study.StudyDirection;
import org.smarttuner.study.StudyException;
import org.smarttuner.study.StudyHistory;
import org.smarttuner.study.TrialState;

/**
 * Optuna's percentile rule (50th percentile by default): prune when the trial's best
 * intermediate value so far is worse than the percentile of completed trials' values at the
 * same step. Decides only after {@code nStartupTrials} completed trials, from
 * {@code nWarmupSteps} on, once per {@code intervalSteps}.
 */
public final class MedianPruner implements Pruner {
    private final double percentile;
    private final int nStartupTrials;
    private final int nWarmupSteps;
    private final int intervalSteps;
    private final int nMinTrials;

    public MedianPruner(int nStartupTrials, int nWarmupSteps, int intervalSteps) {
        this(50.0, nStartupTrials, nWarmupSteps, intervalSteps, 1);
    }

    public MedianPruner(double percentile, int nStartupTrials, int nWarmupSteps, int intervalSteps, int nMinTrials) {
        if (!(percentile >= 0 && percentile <= 100)) {
            throw new StudyException("percentile must be in [0, 100], got " + percentile);
        }
        if (nStartupTrials < 0 || nWarmupSteps < 0) {
            throw new StudyException("n_startup_trials and n_warmup_steps must be >= 0, got " + nStartupTrials
                    + " and " + nWarmupSteps);
        }
        if (intervalSteps < 1 || nMinTrials < 1) {
            throw new StudyException("interval_steps and n_min_trials must be >= 1, got " + intervalSteps
                    + " and " + nMinTrials);
        }
        this.percentile = percentile;
        this.nStartupTrials = nStartupTrials;
        this.nWarmupSteps = nWarmupSteps;
        this.intervalSteps = intervalSteps;
        this.nMinTrials = nMinTrials;
    }

    @Override
    public PruneDecision decide(StudyHistory history, FrozenTrial trial) {
        List<FrozenTrial> complete = history.withState(TrialState.COMPLETE);
        if (complete.isEmpty() || complete.size() < nStartupTrials || trial.lastStep().isEmpty()) {
            return PruneDecision.keep();
        }
        int step = trial.lastStep().getAsInt();
        if (step < nWarmupSteps || !Steps.firstInInterval(step, trial.intermediateValues(), nWarmupSteps,
                intervalSteps)) {
            return PruneDecision.keep();
        }
        StudyDirection dir = history.direction();
        double best = Double.NaN;
        for (double v : trial.intermediateValues().values()) {
            if (!Double.isNaN(v) && (Double.isNaN(best) || dir.better(v, best))) {
                best = v;
            }
        }
        if (Double.isNaN(best)) {
            return PruneDecision.prune("every intermediate value is NaN");
        }
        List<Double> at = new ArrayList<>();
        for (FrozenTrial t : complete) {
            Double v = t.intermediateValues().get(step);
            if (v != null) {
                at.add(v);
            }
        }
        if (at.size() < nMinTrials) {
            return PruneDecision.keep();
        }
        double p = nanPercentile(at, dir == StudyDirection.MAXIMIZE ? 100 - percentile : percentile);
        if (Double.isNaN(p)) {
            return PruneDecision.keep();
        }
        if (dir.better(p, best)) {
            return PruneDecision.prune("best value " + best + " is worse than the " + percentile
                    + "th percentile " + p + " of " + at.size() + " completed trials at step " + step);
        }
        return PruneDecision.keep();
    }

    /** numpy's nanpercentile with linear interpolation. */
    static double nanPercentile(List<Double> values, double q) {
        double[] v = values.stream().filter(x -> !Double.isNaN(x)).mapToDouble(Double::doubleValue).toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        Arrays.sort(v);
        double pos = q / 100 * (v.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(v.length - 1, lo + 1);
        double frac = pos - lo;
        if (frac == 0 || v[lo] == v[hi]) {
            return v[lo];
        }
        return v[lo] + (v[hi] - v[lo]) * frac;
    }

    @Override
    public OptionalInt nextDecisionStep(StudyHistory history, FrozenTrial trial, int currentStep) {
        return Steps.next(currentStep, nWarmupSteps, intervalSteps);
    }

    @Override
    public String name() {
        return "median";
    }
}
