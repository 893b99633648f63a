package org.smarttuner.cli.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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

    public record Quality(String problem, String sampler, double q1, double median, double q3) {
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

    public static double bestAfter(BenchProblem p, Sampler s, int trials) {
        Study study = Study.create(p.name(), StudyDirection.MINIMIZE, s, new NopPruner());
        double best = Double.POSITIVE_INFINITY;
        for (int i = 0; i < trials; i++) {
            FrozenTrial t = study.ask(p.space());
            double v = p.f().applyAsDouble(t.params());
            study.tell(t.number(), v);
            best = Math.min(best, v);
        }
        return best;
    }

    public static Quality quality(BenchProblem p, String sampler, int trials, int seeds) {
        double[] best = new double[seeds];
        for (int seed = 0; seed < seeds; seed++) {
            best[seed] = bestAfter(p, sampler(sampler).apply(seed), trials);
        }
        Arrays.sort(best);
        return new Quality(p.name(), sampler, percentile(best, 25), percentile(best, 50), percentile(best, 75));
    }

    /** numpy's default (linear) percentile of sorted values. */
    static double percentile(double[] sorted, double q) {
        double pos = q / 100 * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
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
