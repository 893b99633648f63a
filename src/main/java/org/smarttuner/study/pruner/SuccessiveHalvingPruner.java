package org.smarttuner.study.pruner;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.smarttuner.study.FrozenTrial;
import org.smarttuner.study.TrialState;
import org.smarttuner.study.StudyDirection;
import org.smarttuner.study.StudyException;
import org.smarttuner.study.StudyHistory;

/**
 * Asynchronous Successive Halving (ASHA) as Optuna implements it. Rung r is reached at step
 * {@code minResource * eta^(minEarlyStoppingRate + r)}; a trial reaching it records its value
 * as system attribute {@code completed_rung_r} and continues only if it is in the top
 * {@code 1/eta} of the values recorded at that rung so far (the best one while fewer than eta
 * trials got there). With {@code min_resource: auto} the minimum resource is estimated as
 * Optuna does, from the first COMPLETE trial's last step divided by 100 (at least 1); until a
 * trial completes nothing is pruned and trials train to the end.
 */
public final class SuccessiveHalvingPruner implements Pruner {
    public static final String RUNG_PREFIX = "completed_rung_";

    private final OptionalInt minResource;
    private final int reductionFactor;
    private final int minEarlyStoppingRate;
    private final int bootstrapCount;

    public SuccessiveHalvingPruner(int minResource, int reductionFactor, int minEarlyStoppingRate) {
        this(OptionalInt.of(minResource), reductionFactor, minEarlyStoppingRate, 0);
    }

    /** @param minResource empty for Optuna's {@code "auto"} */
    public SuccessiveHalvingPruner(OptionalInt minResource, int reductionFactor, int minEarlyStoppingRate,
                                   int bootstrapCount) {
        if (minResource.isPresent() && minResource.getAsInt() < 1) {
            throw new StudyException("min_resource must be >= 1 or auto, got " + minResource.getAsInt());
        }
        if (reductionFactor < 2) {
            throw new StudyException("reduction_factor must be >= 2, got " + reductionFactor);
        }
        if (minEarlyStoppingRate < 0 || bootstrapCount < 0) {
            throw new StudyException("min_early_stopping_rate and bootstrap_count must be >= 0, got "
                    + minEarlyStoppingRate + " and " + bootstrapCount);
        }
        if (bootstrapCount > 0 && minResource.isEmpty()) {
            throw new StudyException("bootstrap_count " + bootstrapCount + " needs a numeric min_resource, not auto "
                    + "(as in Optuna, the two cannot be combined)");
        }
        this.minResource = minResource;
        this.reductionFactor = reductionFactor;
        this.minEarlyStoppingRate = minEarlyStoppingRate;
        this.bootstrapCount = bootstrapCount;
    }

    /**
     * The minimum resource: the configured one, or (auto) the first COMPLETE trial's last step / 100,
     * at least 1; empty while auto and no trial has completed. Optuna fixes its estimate at the first
     * decision after a trial completes; the first completed trial gives it from the history alone.
     */
    public OptionalInt minResource(StudyHistory history) {
        if (minResource.isPresent()) {
            return minResource;
        }
        return history.withState(TrialState.COMPLETE).stream().filter(t -> t.lastStep().isPresent())
                .min(Comparator.comparing((FrozenTrial t) -> t.complete().orElse(Instant.MAX))
                        .thenComparingInt(FrozenTrial::number))
                .map(t -> OptionalInt.of(Math.max(t.lastStep().getAsInt() / 100, 1))).orElse(OptionalInt.empty());
    }

    /** Step at which rung {@code rung} is decided, for a configured (not auto) minimum resource. */
    public long rungStep(int rung) {
        if (minResource.isEmpty()) {
            throw new StudyException("min_resource is auto: the rung steps follow from the first completed trial");
        }
        return rungStep(minResource.getAsInt(), rung);
    }

    /** Step at which rung {@code rung} is decided for a minimum resource (saturating at Integer.MAX_VALUE). */
    long rungStep(int min, int rung) {
        long s = min;
        for (int i = 0; i < minEarlyStoppingRate + rung; i++) {
            s *= reductionFactor;
            if (s > Integer.MAX_VALUE) {
                return Integer.MAX_VALUE;
            }
        }
        return s;
    }

    static int currentRung(FrozenTrial t) {
        int r = 0;
        while (t.systemAttrs().containsKey(RUNG_PREFIX + r)) {
            r++;
        }
        return r;
    }

    @Override
    public PruneDecision decide(StudyHistory history, FrozenTrial trial) {
        if (trial.lastStep().isEmpty()) {
            return PruneDecision.keep();
        }
        int step = trial.lastStep().getAsInt();
        double value = trial.intermediateValues().get(step);
        OptionalInt min = minResource(history);
        if (min.isEmpty()) {
            return PruneDecision.keep();
        }
        int rung = currentRung(trial);
        Map<String, Object> attrs = new LinkedHashMap<>();
        while (true) {
            if (step < rungStep(min.getAsInt(), rung)) {
                return PruneDecision.keep(attrs);
            }
            if (Double.isNaN(value)) {
                return new PruneDecision(true, "NaN at rung " + rung, attrs);
            }
            String key = RUNG_PREFIX + rung;
            attrs.put(key, value);
            List<Double> competing = new ArrayList<>();
            for (FrozenTrial t : history.trials()) {
                if (t.number() != trial.number() && t.systemAttrs().get(key) instanceof Number n) {
                    competing.add(n.doubleValue());
                }
            }
            competing.add(value);
            if (bootstrapCount > 0 && competing.size() <= bootstrapCount) {
                return new PruneDecision(true, "fewer than bootstrap_count trials at rung " + rung, attrs);
            }
            if (!promotable(value, competing, reductionFactor, history.direction())) {
                return new PruneDecision(true, "value " + value + " at step " + step + " is not in the top 1/"
                        + reductionFactor + " of " + competing.size() + " trials at rung " + rung, attrs);
            }
            rung++;
        }
    }

    static boolean promotable(double value, List<Double> competing, int eta, StudyDirection dir) {
        int idx = competing.size() / eta - 1;
        if (idx == -1) {
            // Trials cannot be paused and resumed, so the first eta - 1 go on only if best so far.
            idx = 0;
        }
        List<Double> sorted = new ArrayList<>(competing);
        sorted.sort(Double::compare);
        if (dir == StudyDirection.MAXIMIZE) {
            return value >= sorted.get(sorted.size() - 1 - idx);
        }
        return value <= sorted.get(idx);
    }

    @Override
    public OptionalInt nextDecisionStep(StudyHistory history, FrozenTrial trial, int currentStep) {
        OptionalInt min = minResource(history);
        if (min.isEmpty()) {
            return OptionalInt.empty();
        }
        int rung = currentRung(trial);
        long s = rungStep(min.getAsInt(), rung);
        while (s <= currentStep && s < Integer.MAX_VALUE) {
            s = rungStep(min.getAsInt(), ++rung);
        }
        return s >= Integer.MAX_VALUE ? OptionalInt.empty() : OptionalInt.of((int) s);
    }

    @Override
    public String name() {
        return "asha";
    }
}
