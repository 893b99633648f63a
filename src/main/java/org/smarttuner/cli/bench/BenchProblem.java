package org.smarttuner.cli.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import org.smarttuner.study.distribution.CategoricalDistribution;
import org.smarttuner.study.distribution.Distribution;
import org.smarttuner.study.distribution.FloatDistribution;
import org.smarttuner.study.distribution.IntDistribution;

/**
 * Test functions for the sampler benchmark (minimised). src/test/python/bench_optuna.py defines
 * the same functions and spaces for Optuna; keep the two in step. A problem with a categorical
 * parameter says which choice is right ({@code rightChoice}), so the benchmark can count the
 * seeds whose best trial found it.
 */
public record BenchProblem(String name, Map<String, Distribution> space, ToDoubleFunction<Map<String, Object>> f,
                           Optional<Predicate<Map<String, Object>>> rightChoice) {

    public BenchProblem(String name, Map<String, Distribution> space, ToDoubleFunction<Map<String, Object>> f) {
        this(name, space, f, Optional.empty());
    }

    private static final List<String> OPTIMIZERS = List.of("sgd", "adam", "adamw", "rmsprop");
    private static final double[] OPTIMIZER_PENALTY = {3, 0, 1, 2};

    public static List<BenchProblem> all() {
        return List.of(sphere(5), sphere(10), rosenbrock(5), rosenbrock(10), styblinskiTang(5), styblinskiTang(10),
                mixed(), sphereOff(6), ellipsoidOff(8), mixedOff());
    }

    /** Off-centre optimum (TPE's prior sits in the middle of the range): the sphere around OFF. */
    private static final double[] OFF = {3.5, -4.2, 2.8, -3.1, 4.4, -2.6, 3.9, -3.7};

    public static BenchProblem sphereOff(int d) {
        return new BenchProblem("sphere-off-" + d, box(d, -5, 5), p -> {
            double[] x = xs(p, d);
            double s = 0;
            for (int i = 0; i < d; i++) {
                s += Math.pow(x[i] - OFF[i], 2);
            }
            return s;
        });
    }

    /** Off-centre and ill-conditioned: axis i weighs 10^(3 i / (d - 1)). */
    public static BenchProblem ellipsoidOff(int d) {
        return new BenchProblem("ellipsoid-off-" + d, box(d, -5, 5), p -> {
            double[] x = xs(p, d);
            double s = 0;
            for (int i = 0; i < d; i++) {
                s += Math.pow(10, 3.0 * i / (d - 1)) * Math.pow(x[i] - OFF[i], 2);
            }
            return s;
        });
    }

    /** The mixed space with every optimum off-centre: the last choice, lr 10^-4.5, n = -8. */
    public static BenchProblem mixedOff() {
        Map<String, Distribution> s = mixedSpace();
        double[] penalty = {2, 3, 1, 0};
        return new BenchProblem("mixed-off", s, p -> {
            double x0 = ((Number) p.get("x0")).doubleValue();
            double x1 = ((Number) p.get("x1")).doubleValue();
            double n = ((Number) p.get("n")).doubleValue();
            double lr = ((Number) p.get("lr")).doubleValue();
            int o = OPTIMIZERS.indexOf((String) p.get("optimizer"));
            return Math.pow(x0 - 4, 2) + Math.pow(x1 + 3.5, 2) + 0.1 * (n + 8) * (n + 8)
                    + Math.pow(Math.log10(lr) + 4.5, 2) + penalty[o];
        }, Optional.of(p -> "rmsprop".equals(p.get("optimizer"))));
    }

    private static Map<String, Distribution> mixedSpace() {
        Map<String, Distribution> s = new LinkedHashMap<>();
        s.put("x0", FloatDistribution.of(-5, 5));
        s.put("x1", FloatDistribution.of(-5, 5));
        s.put("n", IntDistribution.of(-10, 10));
        s.put("lr", FloatDistribution.logUniform(1e-5, 1));
        s.put("optimizer", new CategoricalDistribution(List.copyOf(OPTIMIZERS)));
        return s;
    }

    static Map<String, Distribution> box(int d, double lo, double hi) {
        Map<String, Distribution> s = new LinkedHashMap<>();
        for (int i = 0; i < d; i++) {
            s.put("x" + i, FloatDistribution.of(lo, hi));
        }
        return s;
    }

    static double[] xs(Map<String, Object> p, int d) {
        double[] x = new double[d];
        for (int i = 0; i < d; i++) {
            x[i] = ((Number) p.get("x" + i)).doubleValue();
        }
        return x;
    }

    public static BenchProblem sphere(int d) {
        return new BenchProblem("sphere-" + d, box(d, -5, 5), p -> {
            double s = 0;
            for (double v : xs(p, d)) {
                s += v * v;
            }
            return s;
        });
    }

    public static BenchProblem rosenbrock(int d) {
        return new BenchProblem("rosenbrock-" + d, box(d, -2, 2), p -> {
            double[] x = xs(p, d);
            double s = 0;
            for (int i = 0; i + 1 < d; i++) {
                s += 100 * Math.pow(x[i + 1] - x[i] * x[i], 2) + Math.pow(1 - x[i], 2);
            }
            return s;
        });
    }

    public static BenchProblem styblinskiTang(int d) {
        return new BenchProblem("styblinski-tang-" + d, box(d, -5, 5), p -> {
            double s = 0;
            for (double v : xs(p, d)) {
                s += v * v * v * v - 16 * v * v + 5 * v;
            }
            return s / 2;
        });
    }

    /** Two floats, an int, a log-scale float and a categorical, like a real training space. */
    public static BenchProblem mixed() {
        return new BenchProblem("mixed", mixedSpace(), p -> {
            double x0 = ((Number) p.get("x0")).doubleValue();
            double x1 = ((Number) p.get("x1")).doubleValue();
            double n = ((Number) p.get("n")).doubleValue();
            double lr = ((Number) p.get("lr")).doubleValue();
            int o = OPTIMIZERS.indexOf((String) p.get("optimizer"));
            return x0 * x0 + x1 * x1 + 0.1 * (n - 3) * (n - 3) + Math.pow(Math.log10(lr) + 3, 2)
                    + OPTIMIZER_PENALTY[o];
        }, Optional.of(p -> "adam".equals(p.get("optimizer"))));
    }
}
