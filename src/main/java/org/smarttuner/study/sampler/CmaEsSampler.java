package org.smarttuner.study.sampler;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smarttuner.study.FrozenTrial;
import org.smarttuner.study.Rng;
import org.smarttuner.study.StudyException;
import org.smarttuner.study.StudyHistory;
import org.smarttuner.study.TrialState;
import org.smarttuner.study.distribution.CategoricalDistribution;
import org.smarttuner.study.distribution.Distribution;
import org.smarttuner.study.distribution.FloatDistribution;
import org.smarttuner.study.distribution.IntDistribution;

/**
 * CMA-ES over the numeric parameters (log scales made linear, steps widened by half a step,
 * everything mapped to the unit cube), as Optuna 5's CmaEsSampler drives the {@code cmaes} library:
 * mean at the centre, sigma0 = 1/6, popsize 4 + floor(3 ln n), active (negative) weights, and no
 * restart: once {@code cmaes} would say {@code should_stop()}, Optuna 5 keeps sampling from the
 * converged distribution (it ignores {@code restart_strategy} since 4.4), and so does this sampler
 * by default. {@link Options#ipopRestart()} restarts instead, as Optuna before 4.4 did with
 * {@code restart_strategy="ipop"}: from a uniformly drawn mean with twice the population.
 * Parameters it cannot model (categoricals) go to an independent sampler; that is said once per
 * study at INFO. Each trial records its generation in the system attribute {@value #GENERATION};
 * the CMA state is replayed from the completed generations, so it follows from the history alone.
 */
public final class CmaEsSampler implements Sampler {
    public static final String GENERATION = "cma:generation";
    private static final Logger LOG = LoggerFactory.getLogger(CmaEsSampler.class);

    /**
     * Optuna's arguments: {@code n_startup_trials} (1), {@code sigma0} (1/6 of the unit cube),
     * {@code popsize} (4 + floor(3 ln n)); {@code ipopRestart} is {@code restart_strategy="ipop"}
     * (off, as Optuna 5).
     */
    public record Options(int nStartupTrials, Optional<Double> sigma0, Optional<Integer> popsize,
                          boolean ipopRestart) {
        public Options {
            if (nStartupTrials < 0) {
                throw new StudyException("CMA-ES n_startup_trials must be >= 0, got " + nStartupTrials);
            }
            if (sigma0.isPresent() && !(sigma0.get() > 0)) {
                throw new StudyException("CMA-ES sigma0 must be > 0, got " + sigma0.get());
            }
            if (popsize.isPresent() && popsize.get() < 2) {
                throw new StudyException("CMA-ES popsize must be >= 2, got " + popsize.get());
            }
        }

        public static Options defaults() {
            return new Options(1, Optional.empty(), Optional.empty(), false);
        }
    }

    private final long seed;
    private final Options options;
    private final Sampler independent;
    private final Consumer<String> notice;
    private final Set<String> told = ConcurrentHashMap.newKeySet();

    public CmaEsSampler(long seed, Options options, Sampler independent) {
        this(seed, options, independent, LOG::info);
    }

    /** {@code notice} receives the once-per-study line about independently sampled parameters. */
    public CmaEsSampler(long seed, Options options, Sampler independent, Consumer<String> notice) {
        this.seed = seed;
        this.options = options;
        this.independent = independent;
        this.notice = notice;
    }

    @Override
    public Sample sample(StudyHistory history, int number, int draw, Map<String, Distribution> space) {
        Map<String, Distribution> numeric = new LinkedHashMap<>();
        Map<String, Distribution> other = new LinkedHashMap<>();
        for (Map.Entry<String, Distribution> e : new TreeMap<>(space).entrySet()) {
            Distribution d = e.getValue();
            if (d instanceof CategoricalDistribution || d.isSingle()) {
                other.put(e.getKey(), d);
            } else {
                numeric.put(e.getKey(), d);
            }
        }
        List<String> unmodelled = other.entrySet().stream().filter(e -> !e.getValue().isSingle())
                .map(Map.Entry::getKey).toList();
        if (!unmodelled.isEmpty() && told.add(history.studyName() + "\u0000" + unmodelled)) {
            notice.accept("CMA-ES cannot model categorical parameters " + unmodelled + " of study '"
                    + history.studyName() + "'; the " + independent.name() + " sampler draws them independently");
        }
        long complete = history.usable(numeric, TrialState.COMPLETE).size();
        if (numeric.isEmpty() || complete < options.nStartupTrials()) {
            return independent.sample(history, number, draw, space);
        }
        List<String> names = new ArrayList<>(numeric.keySet());
        List<double[]> bounds = names.stream().map(p -> bounds(numeric.get(p))).toList();
        CmaState state = replay(history, numeric, names, bounds);
        double[] x = state.ask(Rng.of(seed, number, draw, 0x434d4131L));
        Map<String, Double> out = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            Distribution d = numeric.get(names.get(i));
            double[] bd = bounds.get(i);
            double model = bd[0] + x[i] * (bd[1] - bd[0]);
            out.put(names.get(i), Grid.snap(d, isLog(d) ? Math.exp(model) : model));
        }
        if (!other.isEmpty()) {
            out.putAll(independent.sample(history, number, draw, other).params());
        }
        return new Sample(out, Map.of(GENERATION, state.generation));
    }

    private CmaState replay(StudyHistory history, Map<String, Distribution> numeric, List<String> names,
                            List<double[]> bounds) {
        int n = names.size();
        Map<Integer, List<FrozenTrial>> byGeneration = new TreeMap<>();
        for (FrozenTrial t : history.usable(numeric, TrialState.COMPLETE)) {
            if (t.systemAttrs().get(GENERATION) instanceof Number g) {
                byGeneration.computeIfAbsent(g.intValue(), k -> new ArrayList<>()).add(t);
            }
        }
        int pop = options.popsize().orElse(CmaState.defaultPopsize(n));
        double sigma0 = options.sigma0().orElse(1.0 / 6);
        double[] center = new double[n];
        java.util.Arrays.fill(center, 0.5);
        CmaState s = new CmaState(n, pop, 0, 0, center, sigma0);
        while (true) {
            List<FrozenTrial> gen = byGeneration.get(s.generation);
            if (gen == null || gen.size() < s.popsize) {
                return s;
            }
            double[][] xs = new double[s.popsize][];
            double[] values = new double[s.popsize];
            for (int k = 0; k < s.popsize; k++) {
                FrozenTrial t = gen.get(k);
                xs[k] = toUnit(t, numeric, names, bounds);
                values[k] = history.direction().toMinimize(t.value().get());
            }
            s.tell(xs, values);
            if (options.ipopRestart() && s.shouldStop()) {
                SplittableRandom rng = Rng.of(seed, s.restarts + 1, 0x52455354L);
                double[] mean = new double[n];
                for (int i = 0; i < n; i++) {
                    mean[i] = rng.nextDouble();
                }
                s = new CmaState(n, s.popsize * 2, s.restarts + 1, s.generation, mean, sigma0);
            }
        }
    }

    private static double[] toUnit(FrozenTrial t, Map<String, Distribution> numeric, List<String> names,
                                   List<double[]> bounds) {
        double[] x = new double[names.size()];
        for (int i = 0; i < x.length; i++) {
            Distribution d = numeric.get(names.get(i));
            double v = t.internalParams().get(names.get(i));
            double model = isLog(d) ? Math.log(v) : v;
            double[] bd = bounds.get(i);
            x[i] = (model - bd[0]) / (bd[1] - bd[0]);
        }
        return x;
    }

    private static boolean isLog(Distribution d) {
        return d instanceof FloatDistribution f && f.log() || d instanceof IntDistribution i && i.log();
    }

    /** The interval CMA-ES searches for one parameter, in model space (log taken, half steps added). */
    private static double[] bounds(Distribution d) {
        if (d instanceof IntDistribution i) {
            return i.log() ? new double[] {Math.log(i.low() - 0.5), Math.log(i.high() + 0.5)}
                    : new double[] {i.low() - i.step() / 2.0, i.high() + i.step() / 2.0};
        }
        FloatDistribution f = (FloatDistribution) d;
        if (f.log()) {
            return new double[] {Math.log(f.low()), Math.log(f.high())};
        }
        double h = f.step().map(s -> s / 2).orElse(0.0);
        return new double[] {f.low() - h, f.high() + h};
    }

    @Override
    public String name() {
        return "cmaes";
    }
}
