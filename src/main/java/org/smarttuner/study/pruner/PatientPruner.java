package org.smarttuner.study.pruner;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.smarttuner.study.FrozenTrial;
import org.smarttuner.study.StudyDirection;
import org.smarttuner.study.StudyException;
import org.smarttuner.study.StudyHistory;

/**
 * Optuna's patience wrapper: lets the wrapped pruner (or, without one, itself) prune only when
 * the best of the last {@code patience + 1} values is no better (by {@code minDelta}) than the
 * best before them.
 */
public final class PatientPruner implements Pruner {
    private final Optional<Pruner> wrapped;
    private final int patience;
    private final double minDelta;

    public PatientPruner(Optional<Pruner> wrapped, int patience, double minDelta) {
        if (patience < 0) {
            throw new StudyException("patience must be >= 0, got " + patience);
        }
        if (!(minDelta >= 0)) {
            throw new StudyException("min_delta must be >= 0, got " + minDelta);
        }
        this.wrapped = wrapped;
        this.patience = patience;
        this.minDelta = minDelta;
    }

    @Override
    public PruneDecision decide(StudyHistory history, FrozenTrial trial) {
        if (trial.lastStep().isEmpty() || trial.intermediateValues().size() <= patience + 1) {
            return PruneDecision.keep();
        }
        List<Double> values = new ArrayList<>();
        for (Map.Entry<Integer, Double> e : trial.intermediateValues().entrySet()) {
            values.add(e.getValue());
        }
        int cut = values.size() - patience - 1;
        StudyDirection dir = history.direction();
        double before = nanBest(values.subList(0, cut), dir);
        double after = nanBest(values.subList(cut, values.size()), dir);
        boolean stalled = dir == StudyDirection.MINIMIZE ? before + minDelta < after : before - minDelta > after;
        if (!stalled) {
            return PruneDecision.keep();
        }
        if (wrapped.isPresent()) {
            return wrapped.get().decide(history, trial);
        }
        return PruneDecision.prune("no improvement over " + before + " in the last " + (patience + 1) + " steps");
    }

    private static double nanBest(List<Double> v, StudyDirection dir) {
        double best = Double.NaN;
        for (double x : v) {
            if (!Double.isNaN(x) && (Double.isNaN(best) || dir.better(x, best))) {
                best = x;
            }
        }
        return best;
    }

    @Override
    public OptionalInt nextDecisionStep(StudyHistory history, FrozenTrial trial, int currentStep) {
        // Patience is judged on every step; the wrapped pruner cannot prune earlier than its own steps.
        return wrapped.isPresent() ? wrapped.get().nextDecisionStep(history, trial, currentStep)
                : OptionalInt.of(currentStep + 1);
    }

    @Override
    public String name() {
        return "patient(" + wrapped.map(Pruner::name).orElse("self") + ")";
    }
}
