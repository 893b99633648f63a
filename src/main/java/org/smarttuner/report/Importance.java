package org.smarttuner.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.smarttuner.study.FrozenTrial;
import org.smarttuner.study.TrialState;
import org.smarttuner.study.distribution.CategoricalDistribution;

/**
 * Parameter importance by one-way ANOVA: for each parameter alone, the completed trials are grouped
 * (by choice for a categorical, by quantile bins of the value otherwise) and the share of the
 * objective's variance that lies between the groups (eta squared) is that parameter's importance.
 * It ignores interactions and is noisy on few trials; the report says so, and says nothing below
 * {@link #MIN_TRIALS} completed trials.
 */
public final class Importance {
    public static final int MIN_TRIALS = 5;
    public static final String METHOD = "variance of the objective explained by each parameter alone "
            + "(one-way ANOVA, eta squared, over quantile bins of the completed trials)";

    /** One parameter's share of variance (0..1) and how many groups it was split into. */
    public record Entry(String param, double share, int groups) {
    }

    /** The entries, most important first, or why there are none. */
    public record Result(String method, int completedTrials, List<Entry> entries, Optional<String> notEnough) {
        public Result {
            entries = List.copyOf(entries);
        }
    }

    private Importance() {
    }

    public static Result of(List<FrozenTrial> trials) {
        List<FrozenTrial> done = trials.stream().filter(t -> t.state() == TrialState.COMPLETE
                && t.value().isPresent() && Double.isFinite(t.value().get())).toList();
        if (done.size() < MIN_TRIALS) {
            return new Result(METHOD, done.size(), List.of(), Optional.of("too few completed trials to say anything ("
                    + done.size() + " completed; at least " + MIN_TRIALS + " are needed)"));
        }
        double mean = done.stream().mapToDouble(t -> t.value().get()).average().orElse(0);
        double total = done.stream().mapToDouble(t -> sq(t.value().get() - mean)).sum();
        if (total == 0) {
            return new Result(METHOD, done.size(), List.of(), Optional.of("every completed trial has the same value"));
        }
        Map<String, Boolean> categorical = new LinkedHashMap<>();
        for (FrozenTrial t : done) {
            t.distributions().forEach((k, d) -> categorical.putIfAbsent(k, d instanceof CategoricalDistribution));
        }
        int bins = Math.max(2, Math.min(4, done.size() / 3));
        List<Entry> out = new ArrayList<>();
        for (Map.Entry<String, Boolean> p : categorical.entrySet()) {
            List<double[]> xy = new ArrayList<>();
            for (FrozenTrial t : done) {
                Double x = t.internalParams().get(p.getKey());
                if (x != null) {
                    xy.add(new double[] {x, t.value().get()});
                }
            }
            if (xy.size() < MIN_TRIALS) {
                continue;
            }
            Map<Integer, List<Double>> groups = p.getValue() ? byValue(xy) : byQuantile(xy, bins);
            if (groups.size() < 2) {
                out.add(new Entry(p.getKey(), 0, groups.size()));
                continue;
            }
            double m = xy.stream().mapToDouble(v -> v[1]).average().orElse(0);
            double tot = xy.stream().mapToDouble(v -> sq(v[1] - m)).sum();
            double between = 0;
            for (List<Double> g : groups.values()) {
                double gm = g.stream().mapToDouble(Double::doubleValue).average().orElse(0);
                between += g.size() * sq(gm - m);
            }
            out.add(new Entry(p.getKey(), tot == 0 ? 0 : between / tot, groups.size()));
        }
        out.sort(Comparator.comparingDouble(Entry::share).reversed());
        return new Result(METHOD, done.size(), out, Optional.empty());
    }

    private static Map<Integer, List<Double>> byValue(List<double[]> xy) {
        Map<Integer, List<Double>> g = new LinkedHashMap<>();
        for (double[] v : xy) {
            g.computeIfAbsent((int) v[0], k -> new ArrayList<>()).add(v[1]);
        }
        return g;
    }

    /** Equal-count bins over the sorted values; equal values never straddle two bins. */
    private static Map<Integer, List<Double>> byQuantile(List<double[]> xy, int bins) {
        List<double[]> sorted = new ArrayList<>(xy);
        sorted.sort(Comparator.comparingDouble(v -> v[0]));
        Map<Integer, List<Double>> g = new LinkedHashMap<>();
        int bin = 0;
        for (int i = 0; i < sorted.size(); i++) {
            int want = (int) ((long) i * bins / sorted.size());
            if (want > bin && sorted.get(i)[0] != sorted.get(i - 1)[0]) {
                bin = want;
            }
            g.computeIfAbsent(bin, k -> new ArrayList<>()).add(sorted.get(i)[1]);
        }
        return g;
    }

    private static double sq(double v) {
        return v * v;
    }
}
