package org.smarttuner.cli.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongFunction;
import org.smarttuner.study.FrozenTrial;
import org.smarttuner.study.Study;
import org.smarttuner.study.StudyDirection;
import org.smarttuner.study.pruner.NopPruner;
import org.smarttuner.study.sampler.CmaEsSampler;
import org.smarttuner.study.sampler.RandomSampler;
import org.smarttuner.study.sampler.Sampler;
import org.smarttuner.study.sampler.TpeSampler;

/** Runs samplers on the benchmark problems: best value after n trials over seeds, and ms per ask. */
public final class SamplerBench {

    /**
     * The best value of each seed's run and, for a problem with a right choice, whether that run's
     * best trial holds it.
     */
    public record Quality(String problem, String sampler, long firstSeed, double[] best, Optional<boolean[]> right) {

        public MedianInterval median() {
            return MedianInterval.of(best);
        }

        /** Share of seeds whose best trial holds the right choice. */
        public Optional<Double> rightShare() {
            return right.map(r -> {
                int n = 0;
                for (boolean x : r) {
                    n += x ? 1 : 0;
                }
                return (double) n / r.length;
            });
        }
    }

    public record Timing(String sampler, int finishedTrials, double msPerAsk, double cpuMsPerAsk) {
    }

    private SamplerBench() {
    }

    /** The samplers the benchmark knows, by name, built from a seed. */
    public static LongFunction<Sampler> sampler(String name) {
        return switch (name) {
            case "random" -> RandomSampler::new;
            // "tpe" is the univariate one (multivariate=False in Optuna), no longer the default
            case "tpe" -> s -> new TpeSampler(s, new TpeSampler.Options(10, 24, false, true));
            case "tpe-multivariate" -> s -> new TpeSampler(s, new TpeSampler.Options(10, 24, true, true));
            case "cmaes" -> s -> new CmaEsSampler(s, CmaEsSampler.Options.defaults(), new TpeSampler(s), m -> { });
            // restart_strategy: ipop, which Optuna 5 no longer offers
            case "cmaes-ipop" -> s -> new CmaEsSampler(s, new CmaEsSampler.Options(1, java.util.Optional.empty(),
                    java.util.Optional.empty(), true), new TpeSampler(s), m -> { });
            default -> throw new IllegalArgumentException("unknown sampler '" + name
                    + "'; allowed: random, tpe, tpe-multivariate, cmaes, cmaes-ipop");
        };
    }

    /** One run: the best value and the parameters of the trial that gave it. */
    public record Run(double best, Map<String, Object> bestParams) {
    }

    public static Run run(BenchProblem p, Sampler s, int trials) {
        Study study = Study.create(p.name(), StudyDirection.MINIMIZE, s, new NopPruner());
        double best = Double.POSITIVE_INFINITY;
        Map<String, Object> bestParams = Map.of();
        for (int i = 0; i < trials; i++) {
            FrozenTrial t = study.ask(p.space());
            double v = p.f().applyAsDouble(t.params());
            study.tell(t.number(), v);
            if (v < best) {
                best = v;
                bestParams = t.params();
            }
        }
        return new Run(best, bestParams);
    }

    /** Runs seeds {@code firstSeed .. firstSeed + seeds - 1}. */
    public static Quality quality(BenchProblem p, String sampler, int trials, long firstSeed, int seeds) {
        double[] best = new double[seeds];
        boolean[] right = new boolean[seeds];
        for (int i = 0; i < seeds; i++) {
            Run r = run(p, sampler(sampler).apply(firstSeed + i), trials);
            best[i] = r.best();
            right[i] = p.rightChoice().map(c -> c.test(r.bestParams())).orElse(false);
        }
        return new Quality(p.name(), sampler, firstSeed, best,
                p.rightChoice().isPresent() ? Optional.of(right) : Optional.empty());
    }

    /**
     * Mean ms per ask (wall clock and this thread's CPU time, which a loaded machine disturbs
     * less) once {@code at} trials have finished (asks {@code at..at+window-1} of one run
     * on sphere-10), for each of the given trial counts.
     */
    public static List<Timing> timing(String sampler, int[] at, int window) {
        BenchProblem p = BenchProblem.sphere(10);
        Study study = Study.create(p.name(), StudyDirection.MINIMIZE, sampler(sampler).apply(1), new NopPruner());
        int end = Arrays.stream(at).max().orElse(0) + window;
        double[] ms = new double[end];
        double[] cpu = new double[end];
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        for (int i = 0; i < end; i++) {
            long c0 = mx.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            FrozenTrial t = study.ask(p.space());
            ms[i] = (System.nanoTime() - t0) / 1e6;
            cpu[i] = (mx.getCurrentThreadCpuTime() - c0) / 1e6;
            study.tell(t.number(), p.f().applyAsDouble(t.params()));
        }
        List<Timing> out = new ArrayList<>();
        for (int a : at) {
            double sum = 0;
            double sumCpu = 0;
            for (int i = a; i < a + window; i++) {
                sum += ms[i];
                sumCpu += cpu[i];
            }
            out.add(new Timing(sampler, a, sum / window, sumCpu / window));
        }
        return out;
    }

}
