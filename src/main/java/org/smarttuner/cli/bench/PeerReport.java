package org.smarttuner.cli.bench;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.smarttuner.spark.TargetMetric;
import org.smarttuner.spark.TimeToTarget;

/**
 * {@code bench peer}'s figures, computed once and then printed and written as {@code summary.json}: per
 * target the time each arm took to reach it (from each arm's own start, as {@link TimeToTarget} measures
 * it), the ratio ray-tune / smart-tuner per seed and of the medians, and per run the time spent outside
 * the epochs.
 */
public final class PeerReport {
    public static final String RAY = "ray-tune";
    public static final String OURS = "smart-tuner";

    /** One arm's run for one seed, and what it spent starting before its clock started. */
    public record PeerRun(ArmRun run, double startupSeconds) {
        long seed() {
            return run.seed();
        }

        String arm() {
            return run.arm();
        }
    }

    /** A value of a metric to reach. */
    public record Target(TargetMetric metric, double value) {
    }

    /** One run against one target. */
    public record Row(long seed, String arm, TimeToTarget time, long trials, long pruned) {
        Optional<Double> wallSeconds() {
            return time.wall().map(d -> d.toMillis() / 1000.0);
        }
    }

    /** One target's figures; {@code ratios} and {@code medianRatio} only when both arms ran. */
    public record TargetFigures(Target target, List<Row> rows, Map<Long, Ratio> ratios,
            Map<String, Optional<Double>> medianWall, Map<String, Long> reachedSeeds, Optional<Ratio> medianRatio) {
    }

    /** One run's time outside its epochs. */
    public record Overhead(long seed, String arm, double wallSeconds, double epochSeconds, long trials, int epochs,
            double firstEpochSeconds, double startupSeconds) {
        public double overheadSeconds() {
            return wallSeconds - epochSeconds;
        }

        /** Per trial started; NaN without trials. */
        public double perTrial() {
            return trials == 0 ? Double.NaN : overheadSeconds() / trials;
        }

        /** Per epoch trained; NaN without epochs. */
        public double perEpoch() {
            return epochs == 0 ? Double.NaN : overheadSeconds() / epochs;
        }
    }

    /**
     * One run as it stood when the budget ran out: the best value of each metric over the epochs recorded by
     * then (empty: none measured it), and the trials and epochs it had recorded. A study checks its timeout
     * between segments, so its last segment may end after the budget; what it records then does not count here.
     */
    public record AtBudget(long seed, String arm, Map<String, Optional<Double>> best, long trials, int epochs) {
    }

    private final List<Long> seeds;
    private final List<String> arms;
    private final List<PeerRun> runs;
    private final double budgetSeconds;

    /** @param runs per seed, in the order of {@code arms} */
    public PeerReport(List<Long> seeds, List<String> arms, List<PeerRun> runs) {
        this(seeds, arms, runs, Double.NaN);
    }

    /** @param budgetSeconds each run's time budget (NaN: none, no figures at the budget) */
    public PeerReport(List<Long> seeds, List<String> arms, List<PeerRun> runs, double budgetSeconds) {
        this.seeds = List.copyOf(seeds);
        this.arms = List.copyOf(arms);
        this.runs = List.copyOf(runs);
        this.budgetSeconds = budgetSeconds;
    }

    /** The metrics of {@code targets}, each once, in their order (the study's first). */
    public static List<TargetMetric> metricsOf(List<Target> targets) {
        Map<String, TargetMetric> byName = new LinkedHashMap<>();
        targets.forEach(t -> byName.putIfAbsent(t.metric().name(), t.metric()));
        return List.copyOf(byName.values());
    }

    /** Each run at the budget, for the given metrics (the study's first); empty without a budget. */
    public List<AtBudget> atBudget(List<TargetMetric> metrics) {
        if (!Double.isFinite(budgetSeconds)) {
            return List.of();
        }
        List<AtBudget> out = new ArrayList<>();
        for (PeerRun r : runs) {
            List<org.smarttuner.spark.results.MetricRow> within = r.run().metrics().stream().filter(m ->
                    java.time.Duration.between(r.run().start(), m.ts().toInstant()).toMillis() <= budgetSeconds * 1000)
                    .toList();
            Map<String, Optional<Double>> best = new LinkedHashMap<>();
            for (TargetMetric metric : metrics) {
                best.put(metric.name(), within.stream().map(metric::value)
                        .filter(v -> v != null && Double.isFinite(v)).reduce(metric::better));
            }
            out.add(new AtBudget(r.seed(), r.arm(), best, within.stream().map(m -> m.number()).distinct().count(),
                    within.size()));
        }
        return out;
    }

    /** Per arm, the median over seeds of the best value at the budget (a run that measured none is left out). */
    public Map<String, Optional<Double>> medianBestAtBudget(TargetMetric metric) {
        Map<String, Optional<Double>> out = new LinkedHashMap<>();
        List<AtBudget> all = atBudget(List.of(metric));
        for (String arm : arms) {
            double[] v = all.stream().filter(a -> a.arm().equals(arm)).map(a -> a.best().get(metric.name()))
                    .filter(Optional::isPresent).mapToDouble(Optional::get).toArray();
            out.put(arm, v.length == 0 ? Optional.empty() : Optional.of(median(v)));
        }
        return out;
    }

    public void printAtBudget(PrintWriter out, List<TargetMetric> metrics) {
        List<AtBudget> all = atBudget(metrics);
        if (all.isEmpty()) {
            return;
        }
        out.printf(Locale.ROOT, "%nat the budget: %s from each arm's start (epochs recorded after it do not count)%n"
                + "%-6s %-12s", fmt(budgetSeconds) + " s", "seed", "arm");
        for (TargetMetric m : metrics) {
            out.printf(Locale.ROOT, " %16s", "best " + m.name());
        }
        out.printf(Locale.ROOT, " %8s %8s%n", "trials", "epochs");
        for (AtBudget a : all) {
            out.printf(Locale.ROOT, "%-6d %-12s", a.seed(), a.arm());
            for (TargetMetric m : metrics) {
                out.printf(Locale.ROOT, " %16s", a.best().get(m.name()).map(v -> String.format(Locale.ROOT, "%.4f", v))
                        .orElse("-"));
            }
            out.printf(Locale.ROOT, " %8d %8d%n", a.trials(), a.epochs());
        }
        for (TargetMetric m : metrics) {
            List<String> parts = new ArrayList<>();
            medianBestAtBudget(m).forEach((arm, v) -> parts.add(arm + " " + v.map(x -> String.format(Locale.ROOT,
                    "%.4f", x)).orElse("-")));
            out.printf(Locale.ROOT, "median best %s at the budget: %s%n", m.name(), String.join(", ", parts));
        }
    }

    public TargetFigures figures(Target target) {
        List<Row> rows = new ArrayList<>();
        for (PeerRun r : runs) {
            rows.add(new Row(r.seed(), r.arm(), r.run().time(target.metric(), target.value()), r.run().trials(),
                    r.run().pruned()));
        }
        Map<Long, Ratio> ratios = new LinkedHashMap<>();
        Map<String, Optional<Double>> medians = new LinkedHashMap<>();
        Map<String, Long> reached = new LinkedHashMap<>();
        for (String arm : arms) {
            List<Row> mine = rows.stream().filter(r -> r.arm().equals(arm)).toList();
            double m = median(mine.stream().mapToDouble(r -> r.wallSeconds().orElse(Double.POSITIVE_INFINITY))
                    .toArray());
            medians.put(arm, Double.isFinite(m) ? Optional.of(m) : Optional.empty());
            reached.put(arm, mine.stream().filter(r -> r.time().reached()).count());
        }
        Optional<Ratio> medianRatio = Optional.empty();
        if (arms.contains(RAY) && arms.contains(OURS)) {
            for (long seed : seeds) {
                Row ray = row(rows, seed, RAY);
                Row ours = row(rows, seed, OURS);
                ratios.put(seed, Ratio.of(ray.wallSeconds(), ours.wallSeconds(), run(seed, RAY).elapsedSeconds(),
                        OURS, RAY));
            }
            // Where Ray did not reach the target its whole run is a lower bound of its time; so is then the
            // median of those bounds a lower bound of its median.
            double rayBound = median(seeds.stream().mapToDouble(s -> row(rows, s, RAY).wallSeconds()
                    .orElse(run(s, RAY).elapsedSeconds())).toArray());
            medianRatio = Optional.of(Ratio.of(medians.get(RAY), medians.get(OURS), rayBound, OURS, RAY));
        }
        return new TargetFigures(target, rows, ratios, medians, reached, medianRatio);
    }

    public List<Overhead> overheads() {
        return runs.stream().map(r -> new Overhead(r.seed(), r.arm(), r.run().elapsedSeconds(),
                r.run().epochSeconds(), r.run().trials(), r.run().metrics().size(), r.run().firstEpochSeconds(),
                r.startupSeconds())).toList();
    }

    private Row row(List<Row> rows, long seed, String arm) {
        return rows.stream().filter(r -> r.seed() == seed && r.arm().equals(arm)).findFirst().orElseThrow();
    }

    private ArmRun run(long seed, String arm) {
        return runs.stream().filter(r -> r.seed() == seed && r.arm().equals(arm)).findFirst().orElseThrow().run();
    }

    /** numpy's median: the middle value, or the mean of the middle two; +Infinity sorts last and wins a mean. */
    public static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] s = values.clone();
        Arrays.sort(s);
        int mid = s.length / 2;
        return s.length % 2 == 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
    }

    public void print(PrintWriter out, TargetFigures f) {
        out.printf(Locale.ROOT, "%n%s%n%-6s %-12s %-8s %10s %12s %8s %10s %8s %8s %10s%n",
                f.target().metric().describe(f.target().value()), "seed", "arm", "reached", "wall s", "training s",
                "epochs", "best", "trials", "pruned", "epochs run");
        for (Row r : f.rows()) {
            TimeToTarget t = r.time();
            out.printf(Locale.ROOT, "%-6d %-12s %-8s %10s %12s %8s %10s %8d %8d %10d%n", r.seed(), r.arm(),
                    t.reached() ? "yes" : "no", r.wallSeconds().map(PeerReport::fmt).orElse("-"),
                    t.trainingSeconds().map(PeerReport::fmt).orElse("-"),
                    t.epochs().isPresent() ? String.valueOf(t.epochs().getAsInt()) : "-",
                    t.best().map(b -> String.format(Locale.ROOT, "%.4f", b)).orElse("-"), r.trials(), r.pruned(),
                    t.totalEpochs());
        }
        f.ratios().forEach((seed, ratio) -> out.printf(Locale.ROOT, "seed %d: %s / %s = %s wall%n", seed, RAY, OURS,
                ratio.text()));
        List<String> medians = new ArrayList<>();
        for (String arm : arms) {
            medians.add(String.format(Locale.ROOT, "%s %s (reached in %d of %d)", arm,
                    f.medianWall().get(arm).map(v -> fmt(v) + " s").orElse("not reached"), f.reachedSeeds().get(arm),
                    seeds.size()));
        }
        out.printf(Locale.ROOT, "median wall over %d seed(s): %s%s%n", seeds.size(), String.join(", ", medians),
                f.medianRatio().map(r -> "; " + RAY + " / " + OURS + " = " + r.text()).orElse(""));
    }

    public void printOverheads(PrintWriter out) {
        out.printf(Locale.ROOT, "%noverhead: wall from each arm's start to its last recorded epoch, less the epochs' "
                + "own seconds (training and validation)%n%-6s %-12s %10s %10s %11s %12s %12s %15s %10s%n", "seed",
                "arm", "wall s", "epoch s", "overhead s", "per trial s", "per epoch s", "to 1st epoch s", "startup s");
        for (Overhead o : overheads()) {
            out.printf(Locale.ROOT, "%-6d %-12s %10s %10s %11s %12s %12s %15s %10s%n", o.seed(), o.arm(),
                    fmt(o.wallSeconds()), fmt(o.epochSeconds()), fmt(o.overheadSeconds()), fmt2(o.perTrial()),
                    fmt2(o.perEpoch()), Double.isFinite(o.firstEpochSeconds()) ? fmt(o.firstEpochSeconds()) : "-",
                    fmt(o.startupSeconds()));
        }
        out.printf(Locale.ROOT, "to 1st epoch: from the start to when the first epoch began (the tuner's set-up). "
                + "startup, before the start: %s's imports and ray.init, per seed; %s's Spark session start, once for "
                + "all seeds. With trials in parallel the epochs' seconds add up past the wall time.%n", RAY, OURS);
    }

    /** The figures as summary.json holds them (times in seconds, null where there is none). */
    public Map<String, Object> summary(List<Target> targets) {
        List<Object> ts = new ArrayList<>();
        for (Target t : targets) {
            TargetFigures f = figures(t);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("metric", t.metric().name());
            m.put("target", t.value());
            m.put("larger_is_better", t.metric().largerIsBetter());
            List<Object> rows = new ArrayList<>();
            for (Row r : f.rows()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("seed", r.seed());
                row.put("arm", r.arm());
                row.put("reached", r.time().reached());
                row.put("wall_seconds", r.wallSeconds().orElse(null));
                row.put("training_seconds", r.time().trainingSeconds().orElse(null));
                row.put("epochs", r.time().epochs().isPresent() ? r.time().epochs().getAsInt() : null);
                row.put("best", r.time().best().orElse(null));
                row.put("trials", r.trials());
                row.put("pruned", r.pruned());
                row.put("epochs_run", r.time().totalEpochs());
                rows.add(row);
            }
            m.put("runs", rows);
            List<Object> ratios = new ArrayList<>();
            f.ratios().forEach((seed, r) -> {
                Map<String, Object> x = ratio(r);
                x.put("seed", seed);
                ratios.add(x);
            });
            m.put("wall_ratios", ratios);
            Map<String, Object> medians = new LinkedHashMap<>();
            f.medianWall().forEach((arm, v) -> medians.put(arm, v.orElse(null)));
            m.put("median_wall_seconds", medians);
            m.put("seeds_reached", f.reachedSeeds());
            m.put("median_wall_ratio", f.medianRatio().map(PeerReport::ratio).orElse(null));
            ts.add(m);
        }
        List<Object> overheads = new ArrayList<>();
        for (Overhead o : overheads()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("seed", o.seed());
            x.put("arm", o.arm());
            x.put("wall_seconds", o.wallSeconds());
            x.put("epoch_seconds", o.epochSeconds());
            x.put("overhead_seconds", o.overheadSeconds());
            x.put("overhead_per_trial_seconds", finite(o.perTrial()));
            x.put("overhead_per_epoch_seconds", finite(o.perEpoch()));
            x.put("trials", o.trials());
            x.put("epochs", o.epochs());
            x.put("first_epoch_start_seconds", finite(o.firstEpochSeconds()));
            x.put("startup_seconds", o.startupSeconds());
            overheads.add(x);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("targets", ts);
        out.put("overhead", overheads);
        List<Object> budget = new ArrayList<>();
        for (AtBudget a : atBudget(metricsOf(targets))) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("seed", a.seed());
            x.put("arm", a.arm());
            Map<String, Object> best = new LinkedHashMap<>();
            a.best().forEach((k, v) -> best.put(k, v.orElse(null)));
            x.put("best", best);
            x.put("trials", a.trials());
            x.put("epochs", a.epochs());
            budget.add(x);
        }
        out.put("at_budget", budget);
        return out;
    }

    private static Map<String, Object> ratio(Ratio r) {
        Map<String, Object> x = new LinkedHashMap<>();
        x.put("ratio", r.value().orElse(null));
        x.put("lower_bound", r.lowerBound());
        x.put("text", r.text());
        return x;
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    static String fmt(double seconds) {
        return String.format(Locale.ROOT, "%.1f", seconds);
    }

    private static String fmt2(double seconds) {
        return Double.isFinite(seconds) ? String.format(Locale.ROOT, "%.2f", seconds) : "-";
    }
}
