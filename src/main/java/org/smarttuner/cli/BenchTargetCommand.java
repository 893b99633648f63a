package org.smarttuner.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.smarttuner.cli.bench.ArmRun;
import org.smarttuner.cli.bench.Ratio;
import org.smarttuner.config.ExecutionConfig;
import org.smarttuner.config.PrunerConfig;
import org.smarttuner.config.SamplerConfig;
import org.smarttuner.config.StudyConfig;
import org.smarttuner.config.TunerConfig;
import org.smarttuner.spark.Sessions;
import org.smarttuner.spark.StudySummary;
import org.smarttuner.spark.TargetMetric;
import org.smarttuner.spark.TimeToTarget;
import org.smarttuner.spark.TrialRunner;
import org.smarttuner.spark.TuneJob;
import org.smarttuner.spark.results.DeltaResultStore;
import org.smarttuner.spark.results.MetricRow;
import org.smarttuner.study.TrialState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Time to a target value of a study metric (by default the configured study.metric: a validation
 * loss, or a voice metric such as val_attention): the configured study (by default the demo's TPE +
 * ASHA) against random search without pruning at the same parallelism, trial budget and timeout.
 * Both arms optimise that metric, so the tuned arm samples and prunes on what is timed. Each run is
 * a real study on Spark with its own Delta tables and study file under --work.
 */
@Command(name = "target", mixinStandardHelpOptions = true,
        description = {"Time to reach a target value of a study metric (--metric, default study.metric):",
            "the configured sampler and pruner against random search without pruning (same data,",
            "model, parallelism, trial budget), both optimising that metric. Runs real studies, one",
            "pair per seed, and prints wall time, training seconds and epochs to the target."})
final class BenchTargetCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions options;

    @Option(names = "--target", required = true, split = ",", paramLabel = "VALUE[,VALUE...]",
            description = "Values of the metric to reach (at or below for losses and MCD, at or above for "
                    + "attention_sharpness, val_stop_rate and val_attention); each study stops once a completed "
                    + "trial reaches the hardest.")
    List<Double> targets;

    @Option(names = "--metric", paramLabel = "NAME", description = "The study metric to time and optimise: "
            + "val_loss, val_mel_loss, val_gate_loss, train_loss, attention_sharpness, val_mcd, val_stop_error, "
            + "val_stop_rate, val_attention (default: the configuration's study.metric).")
    String metric;

    @Option(names = "--seeds", split = ",", defaultValue = "1", paramLabel = "N[,N...]",
            description = "Sampler seeds, one pair of studies each (default: ${DEFAULT-VALUE}).")
    List<Long> seeds;

    @Option(names = "--budget", paramLabel = "DURATION",
            description = "Give both arms the same time instead of the same number of trials: study.timeout = "
                    + "DURATION (90s, 8m, 1h) and no trial limit. A time to target is a question about time: with a "
                    + "trial budget the pruned arm runs out of trials in a fraction of the random arm's time.")
    String budget;

    @Option(names = "--work", defaultValue = "work/bench-target", paramLabel = "DIR",
            description = "Folder for the runs' Delta tables, study files and checkpoints; emptied first "
                    + "(default: ${DEFAULT-VALUE}).")
    Path work;

    @Option(names = "--analyze", description = "Run nothing: read the runs already in --work (other targets on the "
            + "same runs).")
    boolean analyze;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        TunerConfig base = load(options, budgetSets(budget));
        TargetMetric m = targetMetric(metric != null ? metric : base.study().metric(), targets);
        String tuned = base.study().sampler().type() + "+" + base.study().pruner().type();
        PrintWriter out = spec.commandLine().getOut();
        if (analyze && !Files.isDirectory(work)) {
            throw new UsageException("--analyze reads earlier runs from --work, but " + work + " is not a folder");
        }
        if (!analyze) {
            deleteRecursively(work);
            TrialRunner.prepare(base.data());
        }
        SparkSession spark = Sessions.getOrCreate("smart-tuner bench target", base.execution().master(),
                base.execution().taskRetries());
        double stopAt = hardest(m, targets);
        List<ArmRun> runs = new ArrayList<>();
        for (long seed : seeds) {
            for (String arm : List.of(tuned, "random")) {
                String name = "target-" + arm.replace('+', '-') + "-s" + seed;
                Path dir = work.resolve(name);
                if (!analyze) {
                    StudySummary s = runStudy(spark, options, budget, m, name, dir, seed, stopAt,
                            arm.equals("random"));
                    out.println("seed " + seed + " " + arm + ": " + s.describe(m.name()).replace("\n", "; "));
                    out.flush();
                }
                runs.add(read(spark, seed, arm, name, dir));
            }
        }
        out.printf(Locale.ROOT, "%nbench target: %s against random search without pruning, both %s %s, %d seed(s), "
                + "parallelism %d, %s and %s a study; clocks start at each study's first trial%n", tuned,
                m.largerIsBetter() ? "maximizing" : "minimizing", m.name(), seeds.size(),
                base.execution().parallelism(), budget != null ? "no trial limit" : base.study().nTrials() + " trials",
                base.study().timeout().map(d -> "at most " + StudySummary.formatDuration(d)).orElse("no time limit"));
        for (double target : targets) {
            printTarget(out, m, target, tuned, runs);
        }
        out.flush();
        return Main.OK;
    }

    private void printTarget(PrintWriter out, TargetMetric m, double target, String tuned, List<ArmRun> runs) {
        out.printf(Locale.ROOT, "%n%s%n%-6s %-16s %-8s %10s %12s %8s %10s %8s%n", m.describe(target), "seed", "arm",
                "reached", "wall s", "training s", "epochs", "best", "trials");
        for (ArmRun r : runs) {
            TimeToTarget t = r.time(m, target);
            out.printf(Locale.ROOT, "%-6d %-16s %-8s %10s %12s %8s %10s %8d%n", r.seed(), r.arm(),
                    t.reached() ? "yes" : "no", t.wall().map(d -> fmt(d.toMillis() / 1000.0)).orElse("-"),
                    t.trainingSeconds().map(BenchTargetCommand::fmt).orElse("-"),
                    t.epochs().isPresent() ? String.valueOf(t.epochs().getAsInt()) : "-",
                    t.best().map(b -> String.format(Locale.ROOT, "%.4f", b)).orElse("-"), r.trials());
        }
        for (int i = 0; i + 1 < runs.size(); i += 2) {
            TimeToTarget a = runs.get(i).time(m, target);
            TimeToTarget b = runs.get(i + 1).time(m, target);
            out.printf(Locale.ROOT, "seed %d: random / %s = %s wall, %s training seconds, %s epochs%n",
                    runs.get(i).seed(), tuned,
                    ratio(b.wall().map(d -> d.toMillis() / 1000.0), a.wall().map(d -> d.toMillis() / 1000.0),
                            runs.get(i + 1).elapsedSeconds()),
                    ratio(b.trainingSeconds(), a.trainingSeconds(), b.totalTrainingSeconds()),
                    ratio(b.epochs().isPresent() ? Optional.of((double) b.epochs().getAsInt()) : Optional.empty(),
                            a.epochs().isPresent() ? Optional.of((double) a.epochs().getAsInt()) : Optional.empty(),
                            b.totalEpochs()));
        }
    }

    /**
     * One arm's study, named {@code name}, with its Delta tables, study file and checkpoints under {@code dir}:
     * the configuration with the budget's overrides, seeded, as {@link #arm} makes it.
     */
    static StudySummary runStudy(SparkSession spark, ConfigOptions options, String budget, TargetMetric metric,
            String name, Path dir, long seed, double stopAt, boolean randomWithoutPruning) {
        List<String> sets = new ArrayList<>(budgetSets(budget));
        sets.addAll(List.of("study.name=" + name, "study.sampler.seed=" + seed,
                "output.delta_path=" + dir.resolve("delta"), "output.sqlite_path=" + dir.resolve("study.db"),
                "execution.checkpoint_dir=" + dir.resolve("checkpoints"), "output.mlflow.tracking_uri=",
                "output.report_path="));
        TunerConfig loaded = load(options, sets);
        TunerConfig config = arm(loaded, metric, stopAt, randomWithoutPruning);
        return new TuneJob(config, spark, new TrialRunner(), Mirrors.open(config, spark), Clock.systemUTC()).run();
    }

    /** A study's recorded epochs and trials; its clock starts with its first recorded event (the first trial asked). */
    static ArmRun read(SparkSession spark, long seed, String arm, String name, Path dir) {
        DeltaResultStore store = new DeltaResultStore(spark, dir.resolve("delta").toString());
        if (!store.exists()) {
            throw new UsageException("no run of " + name + " in " + dir + " (run without --analyze first, with the "
                    + "same --seeds)");
        }
        List<MetricRow> metrics = store.metrics(name);
        Instant start = store.events(name).stream().map(e -> e.ts().toInstant()).min(Instant::compareTo)
                .orElseThrow(() -> new UsageException("the run " + name + " in " + dir + " recorded nothing"));
        List<org.smarttuner.spark.results.TrialRow> trials = store.trials(name);
        long pruned = trials.stream().filter(t -> t.state().equals(TrialState.PRUNED.name())).count();
        return new ArmRun(seed, arm, metrics, start, trials.size(), pruned);
    }

    /** The metric by name, with every target checked against its range: a usage error naming what is allowed. */
    static TargetMetric targetMetric(String name, List<Double> targets) {
        TargetMetric m;
        try {
            m = TargetMetric.of(name);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--metric: " + e.getMessage());
        }
        for (double t : targets) {
            try {
                m.checkTarget(t);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--target: " + e.getMessage());
            }
        }
        return m;
    }

    /** The target reached last: the lowest for a loss, the highest for a score. */
    static double hardest(TargetMetric m, List<Double> targets) {
        return targets.stream().mapToDouble(Double::doubleValue).reduce(m::better).orElseThrow();
    }

    /**
     * The arm's configuration: the study optimises {@code metric} in its direction (so the tuned arm
     * samples and prunes on what is timed) and stops once a trial reaches the target (what happens
     * after it does not change the time to it), and the baseline swaps in random sampling without
     * pruning (set on the records: --set would leave the TPE and ASHA keys as unknown ones) and trains
     * each trial as one segment of all its epochs, as a plain random search would; the target still
     * ends a trial at the epoch that reaches it.
     */
    static TunerConfig arm(TunerConfig c, TargetMetric metric, double stopAt, boolean randomWithoutPruning) {
        StudyConfig s = c.study();
        SamplerConfig sampler = s.sampler();
        PrunerConfig pruner = s.pruner();
        if (randomWithoutPruning) {
            sampler = new SamplerConfig("random", sampler.seed(), sampler.nStartupTrials(), sampler.nEiCandidates(),
                    sampler.multivariate(), sampler.constantLiar(), sampler.group(), sampler.sigma0(), sampler.popsize(),
                    sampler.restartStrategy(), sampler.independentSampler());
            pruner = new PrunerConfig("none", pruner.nStartupTrials(), pruner.nWarmupSteps(), pruner.intervalSteps(),
                    pruner.minResource(), pruner.maxResource(), pruner.reductionFactor(),
                    pruner.minEarlyStoppingRate(), pruner.bootstrapCount(), pruner.lower(), pruner.upper(),
                    Optional.empty(), pruner.minDelta());
        }
        StudyConfig study = new StudyConfig(s.name(), metric.direction(), metric.name(), s.nTrials(), s.timeout(),
                Optional.of(stopAt), s.maxFailures(), sampler, pruner);
        ExecutionConfig e = c.execution();
        if (randomWithoutPruning) {
            // the pruner swap keeps max_resource, so the trial's length is the configuration's
            e = new ExecutionConfig(e.master(), e.parallelism(), e.gpusPerTrial(), e.device(), e.taskRetries(),
                    e.trialRetries(), e.checkpointDir(), c.maxEpochs(), e.segmentTimeout());
        }
        return new TunerConfig(c.source(), study, c.searchSpace(), c.data(), c.model(), c.training(), e,
                c.output());
    }

    /** The overrides of a time budget: the study's timeout, and a trial limit no arm reaches. */
    static List<String> budgetSets(String budget) {
        if (budget == null) {
            return List.of();
        }
        if (org.smarttuner.config.ConfigReader.parseDuration(budget.trim()).isEmpty()) {
            throw new UsageException("--budget must be a duration such as 90s, 8m or 1h, got '" + budget + "'");
        }
        return List.of("study.timeout=" + budget.trim(), "study.n_trials=1000000");
    }

    static TunerConfig load(ConfigOptions options, List<String> extra) {
        List<String> sets = new ArrayList<>(options.sets);
        sets.addAll(extra);
        return org.smarttuner.config.ConfigLoader.system().load(options.config, sets, Map.of());
    }

    /** slow / fast; when only the fast arm reached the target, a lower bound from the slow arm's whole run. */
    private static String ratio(Optional<Double> slow, Optional<Double> fast, double slowTotal) {
        return Ratio.of(slow, fast, slowTotal, "the tuned study", "random").text();
    }

    static String fmt(double seconds) {
        return String.format(Locale.ROOT, "%.1f", seconds);
    }

    static void deleteRecursively(Path dir) {
        try {
            BenchDataCommand.deleteTree(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot empty " + dir + ": " + e.getMessage(), e);
        }
    }
}
