package org.smarttuner.study.sampler;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import org.smarttuner.study.FrozenTrial;
import org.smarttuner.study.Rng;
import org.smarttuner.study.StudyDirection;
import org.smarttuner.study.StudyException;
import org.smarttuner.study.StudyHistory;
import org.smarttuner.study.TrialState;
import org.smarttuner.study.distribution.Distribution;

/**
 * Tree-structured Parzen Estimator with Optuna's defaults: random for the first
 * {@code nStartupTrials}, then the best {@code min(ceil(0.1 n), 25)} trials form l(x), the rest
 * g(x), and the candidate (of {@code nEiCandidates} drawn from l) maximising l/g wins. With the
 * constant liar, RUNNING trials count as bad ones, so parallel asks spread out.
 */
public final class TpeSampler implements Sampler {

    public record Options(int nStartupTrials, int nEiCandidates, boolean multivariate, boolean constantLiar,
                          boolean group) {
        public Options {
            if (group && !multivariate) {
                throw new StudyException("TPE group needs multivariate: true (it samples each group of parameters "
                        + "that appear together jointly)");
            }
            if (nStartupTrials < 0) {
                throw new StudyException("TPE n_startup_trials must be >= 0, got " + nStartupTrials);
            }
            if (nEiCandidates < 1) {
                throw new StudyException("TPE n_ei_candidates must be >= 1, got " + nEiCandidates);
            }
        }

        public Options(int nStartupTrials, int nEiCandidates, boolean multivariate, boolean constantLiar) {
            this(nStartupTrials, nEiCandidates, multivariate, constantLiar, false);
        }

        /** Optuna 5's: multivariate (one joint Parzen estimator over all parameters), constant liar on. */
        public static Options defaults() {
            return new Options(10, 24, true, true, false);
        }
    }

    private final long seed;
    private final Options options;

    public TpeSampler(long seed, Options options) {
        this.seed = seed;
        this.options = options;
    }

    public TpeSampler(long seed) {
        this(seed, Options.defaults());
    }

    public Options options() {
        return options;
    }

    @Override
    public Sample sample(StudyHistory history, int number, int draw, Map<String, Distribution> fullSpace) {
        // As Optuna: a distribution with one value (low == high, one choice) is left out of the model (its
        // kernels would have zero width, every candidate would score NaN) and given its only value.
        Map<String, Distribution> space = new LinkedHashMap<>();
        Map<String, Double> single = new LinkedHashMap<>();
        fullSpace.forEach((name, d) -> {
            if (d.isSingle()) {
                single.put(name, RandomSampler.draw(Rng.of(seed, number, draw), Map.of(name, d)).get(name));
            } else {
                space.put(name, d);
            }
        });
        Map<String, Double> out = new LinkedHashMap<>();
        if (space.isEmpty()) {
            return Sample.of(inOrder(fullSpace, out, single));
        }
        List<FrozenTrial> finished = history.withState(TrialState.COMPLETE, TrialState.PRUNED);
        boolean startup = finished.isEmpty() || finished.size() < options.nStartupTrials();
        Split split = startup ? null : new Split(history);
        // The relative (joint) part, as Optuna's: multivariate models the parameters every finished trial
        // holds with the same distribution; with group, each set of parameters that always appear together.
        List<Map<String, Distribution>> groups = !options.multivariate() ? List.of()
                : options.group() ? SearchSpaceGroups.decompose(finished, space)
                : List.of(SearchSpaceGroups.intersection(finished, space));
        for (int g = 0; g < groups.size(); g++) {
            Map<String, Distribution> group = groups.get(g);
            if (group.isEmpty()) {
                continue;
            }
            SplittableRandom rng = g == 0 ? Rng.of(seed, number, draw, 0x54504531L)
                    : Rng.of(seed, number, draw, 0x54504531L, g);
            out.putAll(startup ? RandomSampler.draw(rng, group) : sampleJoint(split, group, rng));
        }
        // The rest one by one (all of them when univariate), each from the trials that hold it.
        for (Map.Entry<String, Distribution> e : space.entrySet()) {
            if (out.containsKey(e.getKey())) {
                continue;
            }
            SplittableRandom rng = Rng.of(seed, number, draw, e.getKey().hashCode(), 0x54504532L);
            Map<String, Distribution> one = Map.of(e.getKey(), e.getValue());
            out.putAll(startup ? RandomSampler.draw(rng, one) : sampleJoint(split, one, rng));
        }
        return Sample.of(inOrder(fullSpace, out, single));
    }

    private static Map<String, Double> inOrder(Map<String, Distribution> space, Map<String, Double> sampled,
            Map<String, Double> single) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String name : space.keySet()) {
            out.put(name, sampled.containsKey(name) ? sampled.get(name) : single.get(name));
        }
        return out;
    }

    /**
     * The below/above split of every trial the model learns from (with the constant liar, running ones go
     * above), made once per ask over the whole history as Optuna's; each (sub)space then takes the trials
     * of each side that hold its parameters.
     */
    private final class Split {
        final List<FrozenTrial> below;
        final List<FrozenTrial> above;

        Split(StudyHistory history) {
            List<FrozenTrial> trials = options.constantLiar()
                    ? history.withState(TrialState.COMPLETE, TrialState.PRUNED, TrialState.RUNNING)
                    : history.withState(TrialState.COMPLETE, TrialState.PRUNED);
            int n = (int) trials.stream().filter(t -> t.state() != TrialState.RUNNING).count();
            List<List<FrozenTrial>> s = TpeSampler.split(trials, history.direction(), gamma(n));
            below = s.get(0);
            above = s.get(1);
        }
    }

    private Map<String, Double> sampleJoint(Split split, Map<String, Distribution> space, SplittableRandom rng) {
        List<String> names = new ArrayList<>(space.keySet());
        List<TpeAxis> axes = names.stream().map(p -> TpeAxis.of(space.get(p))).toList();
        Parzen below = new Parzen(axes, observations(split.below, names, space, axes));
        Parzen above = new Parzen(axes, observations(split.above, names, space, axes));
        double[][] candidates = below.sample(rng, options.nEiCandidates());
        double[] lb = below.logPdf(candidates);
        double[] la = above.logPdf(candidates);
        int best = 0;
        for (int i = 1; i < candidates.length; i++) {
            if (lb[i] - la[i] > lb[best] - la[best]) {
                best = i;
            }
        }
        Map<String, Double> out = new LinkedHashMap<>();
        for (int a = 0; a < names.size(); a++) {
            out.put(names.get(a), axes.get(a).toInternal(candidates[best][a]));
        }
        return out;
    }

    /** Optuna's default gamma. */
    static int gamma(int n) {
        return Math.min((int) Math.ceil(0.1 * n), 25);
    }

    /** Model-space rows of the trials that hold every parameter of the space (in number order). */
    private static double[][] observations(List<FrozenTrial> trials, List<String> names,
                                           Map<String, Distribution> space, List<TpeAxis> axes) {
        List<double[]> rows = new ArrayList<>();
        for (FrozenTrial t : trials) {
            double[] row = new double[names.size()];
            boolean holds = true;
            for (int a = 0; a < names.size() && holds; a++) {
                OptionalDouble v = SearchSpaceGroups.internalIn(t, names.get(a), space.get(names.get(a)));
                holds = v.isPresent();
                row[a] = holds ? axes.get(a).toModel(v.getAsDouble()) : 0;
            }
            if (holds) {
                rows.add(row);
            }
        }
        return rows.toArray(new double[0][]);
    }

    /**
     * Below/above split as Optuna's: the best completed trials first, then pruned trials ranked by
     * how far they got and their last value; running trials always go above.
     */
    static List<List<FrozenTrial>> split(List<FrozenTrial> trials, StudyDirection direction, int nBelow) {
        List<FrozenTrial> complete = new ArrayList<>();
        List<FrozenTrial> pruned = new ArrayList<>();
        List<FrozenTrial> running = new ArrayList<>();
        for (FrozenTrial t : trials) {
            switch (t.state()) {
                case COMPLETE -> complete.add(t);
                case PRUNED -> pruned.add(t);
                case RUNNING -> running.add(t);
                default -> {
                }
            }
        }
        complete.sort(Comparator.comparingDouble((FrozenTrial t) -> direction.toMinimize(t.value().get()))
                .thenComparingInt(FrozenTrial::number));
        int nc = Math.min(nBelow, complete.size());
        List<FrozenTrial> below = new ArrayList<>(complete.subList(0, nc));
        List<FrozenTrial> above = new ArrayList<>(complete.subList(nc, complete.size()));
        int rest = Math.max(0, nBelow - nc);
        pruned.sort(Comparator.comparingDouble((FrozenTrial t) -> prunedScore(t, direction)[0])
                .thenComparingDouble(t -> prunedScore(t, direction)[1]).thenComparingInt(FrozenTrial::number));
        int np = Math.min(rest, pruned.size());
        below.addAll(pruned.subList(0, np));
        above.addAll(pruned.subList(np, pruned.size()));
        above.addAll(running);
        below.sort(Comparator.comparingInt(FrozenTrial::number));
        above.sort(Comparator.comparingInt(FrozenTrial::number));
        return List.of(below, above);
    }

    private static double[] prunedScore(FrozenTrial t, StudyDirection direction) {
        if (t.intermediateValues().isEmpty()) {
            return new double[] {1, 0.0};
        }
        int step = t.intermediateValues().lastKey();
        double v = t.intermediateValues().get(step);
        if (Double.isNaN(v)) {
            return new double[] {-step, Double.POSITIVE_INFINITY};
        }
        return new double[] {-step, direction.toMinimize(v)};
    }

    @Override
    public String name() {
        return options.group() ? "tpe-group" : options.multivariate() ? "tpe-multivariate" : "tpe";
    }
}
