package org.smarttuner.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.smarttuner.cli.bench.ArmRun;
import org.smarttuner.cli.bench.ChildProcess;
import org.smarttuner.cli.bench.PeerData;
import org.smarttuner.cli.bench.PeerReport;
import org.smarttuner.cli.bench.PeerReport.PeerRun;
import org.smarttuner.cli.bench.PeerReport.Target;
import org.smarttuner.cli.bench.RayResult;
import org.smarttuner.config.ConfigReader;
import org.smarttuner.config.TunerConfig;
import org.smarttuner.spark.Sessions;
import org.smarttuner.spark.StudySummary;
import org.smarttuner.spark.TargetMetric;
import org.smarttuner.spark.TrialRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The same tuning study two ways on this machine, back to back per seed: Ray Tune (ASHA and Optuna's TPE
 * through OptunaSearch) training a PyTorch Tacotron2 in {@code src/test/python/ray_tune_peer.py}, started as a
 * child process on the features Smart Tuner prepared and wrote under {@code <work>/data}; then Smart Tuner's
 * own study, run as {@code bench target} runs its tuned arm. Both get the same time budget and stop once a
 * trial reaches the hardest target; each arm's clock starts when its tuner is started (Ray: {@code
 * Tuner.fit()}, after {@code ray.init}; ours: the TuneJob, after the Spark session), and what each spent
 * before that is reported as its startup.
 */
@Command(name = "peer", mixinStandardHelpOptions = true,
        description = {"Time to a target against a peer: Ray Tune (ASHA + OptunaSearch TPE training",
            "a PyTorch Tacotron2; --script run by --python) and Smart Tuner (the configured",
            "study), with the same data, budget and targets, one after the other per seed.",
            "Prints wall time, training seconds and epochs to each target, the ratio",
            "ray-tune / smart-tuner, and each arm's overhead; <work>/summary.json has the same."})
final class BenchPeerCommand implements Callable<Integer> {
    static final String RAY = PeerReport.RAY;
    static final String OURS = PeerReport.OURS;
    static final List<String> ARMS = List.of(RAY, OURS);
    /** The metrics ray_tune_peer.py reports per epoch. */
    static final List<String> RAY_METRICS = List.of("train_loss", "val_loss", "val_mel_loss", "val_gate_loss", "val_mcd",
            "val_mcd_sl", "val_stop_error", "val_stop_rate");
    static final String VENV_HINT = "python3 -m venv .venv && .venv/bin/pip install torch \"ray[tune]\" optuna librosa";

    @Mixin
    ConfigOptions options;

    @Option(names = "--target", required = true, split = ",", paramLabel = "VALUE[,VALUE...]",
            description = "Values of --metric to reach (at or below for losses and MCD, at or above for scores); "
                    + "each run stops once a trial reaches the hardest.")
    List<Double> targets;

    @Option(names = "--loss-target", split = ",", paramLabel = "VALUE[,VALUE...]",
            description = "Values of val_loss to report on from the same runs (they stop nothing).")
    List<Double> lossTargets = new ArrayList<>();

    @Option(names = "--metric", paramLabel = "NAME", description = "The study metric both arms optimise and time: "
            + "val_loss, val_mel_loss, val_gate_loss, train_loss, val_mcd, val_mcd_sl, val_stop_error, val_stop_rate "
            + "(default: the configuration's study.metric).")
    String metric;

    @Option(names = "--seeds", split = ",", defaultValue = "1,2,3", paramLabel = "N[,N...]",
            description = "Seeds, one run of each arm each, interleaved (default: ${DEFAULT-VALUE}).")
    List<Long> seeds;

    @Option(names = "--budget", defaultValue = "4m", paramLabel = "DURATION",
            description = "Each run's time (90s, 8m, 1h): Ray's time budget and our study.timeout, no trial limit "
                    + "(default: ${DEFAULT-VALUE}).")
    String budget;

    @Option(names = "--work", defaultValue = "work/bench-peer", paramLabel = "DIR",
            description = "Folder for the data both arms read, the runs and summary.json; emptied first "
                    + "(default: ${DEFAULT-VALUE}).")
    Path work;

    @Option(names = "--python", defaultValue = ".venv/bin/python", paramLabel = "FILE",
            description = "Python with torch, ray[tune], optuna and librosa (default: ${DEFAULT-VALUE}).")
    Path python;

    @Option(names = "--script", defaultValue = "src/test/python/ray_tune_peer.py", paramLabel = "FILE",
            description = "The Ray Tune peer (default: ${DEFAULT-VALUE}, from the project's root).")
    Path script;

    @Option(names = "--threads", paramLabel = "N", description = "OMP_NUM_THREADS of the Ray Tune run (default: this "
            + "JVM's OMP_NUM_THREADS, else its cores, which is what our libtorch uses).")
    Integer threads;

    @Option(names = "--arms", split = ",", defaultValue = "ray-tune,smart-tuner", paramLabel = "ARM[,ARM...]",
            description = "Which arms to run: ray-tune, smart-tuner (default: ${DEFAULT-VALUE}).")
    List<String> arms;

    @Option(names = "--analyze", description = "Run nothing: read the runs already in --work (other targets on the "
            + "same runs).")
    boolean analyze;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** The checked options: everything the runs need, settled before anything runs or is deleted. */
    record Plan(TunerConfig base, TargetMetric metric, List<Target> targets, double stopAt, List<String> arms,
            Duration budget, int threads) {
    }

    @Override
    public Integer call() {
        Plan plan = plan();
        PrintWriter out = spec.commandLine().getOut();
        int ours = defaultThreads(System.getenv("OMP_NUM_THREADS"), Runtime.getRuntime().availableProcessors());
        if (plan.arms().containsAll(ARMS) && plan.threads() != ours) {
            spec.commandLine().getErr().printf(Locale.ROOT, "note: --threads %d applies to %s only; %s's libtorch "
                    + "uses this JVM's OMP_NUM_THREADS (here %d threads): export OMP_NUM_THREADS=%d to give both the "
                    + "same%n", plan.threads(), RAY, OURS, ours, plan.threads());
        }
        Map<Long, RayResult> ray = new LinkedHashMap<>();
        SparkSession spark = null;
        double sparkSeconds = Double.NaN;
        if (!analyze) {
            BenchTargetCommand.deleteRecursively(work);
            writeData(plan);
        }
        if (plan.arms().contains(OURS)) {
            long t0 = System.nanoTime();
            spark = Sessions.getOrCreate("smart-tuner bench peer", plan.base().execution().master(),
                    plan.base().execution().taskRetries());
            sparkSeconds = (System.nanoTime() - t0) / 1e9;
        }
        out.printf(Locale.ROOT, "bench peer: %s against %s (%s+%s), both %s %s, %d seed(s), %s each, parallelism %d, "
                + "OMP_NUM_THREADS %d for %s, OMP_WAIT_POLICY %s%n", RAY, OURS, plan.base().study().sampler().type(),
                plan.base().study().pruner().type(), plan.metric().largerIsBetter() ? "maximizing" : "minimizing",
                plan.metric().name(), seeds.size(), StudySummary.formatDuration(plan.budget()),
                plan.base().execution().parallelism(), plan.threads(), RAY,
                Optional.ofNullable(System.getenv("OMP_WAIT_POLICY")).orElse("unset"));
        out.flush();
        List<PeerRun> runs = new ArrayList<>();
        for (long seed : seeds) {
            if (plan.arms().contains(RAY)) {
                if (!analyze) {
                    runRay(plan, seed);
                }
                Path result = work.resolve(RayResult.study(seed)).resolve("result.json");
                if (analyze && !Files.isRegularFile(result)) {
                    throw new UsageException("no Ray Tune run of seed " + seed + " in " + work + " (" + result
                            + " is missing; run without --analyze first, with the same --seeds and --arms)");
                }
                RayResult r = RayResult.read(result, seed);
                ray.put(seed, r);
                runs.add(new PeerRun(r.run(RAY), r.initSeconds()));
                if (!analyze) {
                    out.printf(Locale.ROOT, "seed %d %s: %d trials (%d pruned), %d epochs in %s s, Ray %s, torch %s%n",
                            seed, RAY, r.trials().size(), r.prunedTrials(), r.rows().size(),
                            BenchTargetCommand.fmt(Duration.between(r.start(), r.end()).toMillis() / 1000.0),
                            r.rayVersion(), r.torchVersion());
                    out.flush();
                }
            }
            if (plan.arms().contains(OURS)) {
                String name = OURS + "-s" + seed;
                Path dir = work.resolve(name);
                if (!analyze) {
                    Instant start = Instant.now();
                    StudySummary s = BenchTargetCommand.runStudy(spark, options, budget, plan.metric(), name, dir,
                            seed, plan.stopAt(), false);
                    writeTiming(dir, start, Instant.now(), sparkSeconds);
                    out.println("seed " + seed + " " + OURS + ": " + s.describe(plan.metric().name())
                            .replace("\n", "; "));
                    out.flush();
                }
                runs.add(readOurs(spark, seed, name, dir));
            }
        }
        report(out, plan, runs, ray);
        return Main.OK;
    }

    /** Every option checked, in the order a user reads them; a usage error (exit 2) before anything runs. */
    Plan plan() {
        if (seeds == null || seeds.isEmpty()) {
            throw new UsageException("--seeds needs at least one seed, e.g. --seeds 1,2,3");
        }
        Set<Long> seen = new HashSet<>();
        for (long s : seeds) {
            if (!seen.add(s)) {
                throw new UsageException("--seeds lists seed " + s + " twice; each seed runs once per arm");
            }
        }
        List<String> chosen = arms(arms);
        List<String> sets = BenchTargetCommand.budgetSets(budget);
        Duration b = ConfigReader.parseDuration(budget.trim()).orElseThrow();
        if (b.isZero() || b.isNegative()) {
            throw new UsageException("--budget must be a positive duration such as 90s, 8m or 1h, got '" + budget + "'");
        }
        int cores = Runtime.getRuntime().availableProcessors();
        int t = threads != null ? threads : defaultThreads(System.getenv("OMP_NUM_THREADS"), cores);
        if (t < 1 || t > cores * 4) {
            throw new UsageException("--threads must be from 1 to " + cores * 4 + " (4 x the " + cores
                    + " cores this JVM sees), got " + t);
        }
        TunerConfig base = BenchTargetCommand.load(options, sets);
        TargetMetric m = BenchTargetCommand.targetMetric(metric != null ? metric : base.study().metric(), targets);
        if (chosen.contains(RAY) && !RAY_METRICS.contains(m.name())) {
            throw new UsageException("--metric: " + RAY + " reports " + String.join(", ", RAY_METRICS) + ", not "
                    + m.name() + (metric == null ? " (the configuration's study.metric)" : ""));
        }
        List<Target> all = new ArrayList<>();
        targets.forEach(v -> all.add(new Target(m, v)));
        TargetMetric loss = TargetMetric.of("val_loss");
        for (double v : lossTargets) {
            try {
                loss.checkTarget(v);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--loss-target: " + e.getMessage());
            }
            all.add(new Target(loss, v));
        }
        if (chosen.contains(RAY) && !analyze) {
            if (!Files.isRegularFile(python) || !Files.isExecutable(python)) {
                throw new UsageException("--python: " + python + (Files.exists(python) ? " is not an executable file"
                        : " does not exist") + "; make it from the project's root with: " + VENV_HINT
                        + " (or pass --python FILE)");
            }
            if (!Files.isRegularFile(script)) {
                throw new UsageException("--script: the Ray Tune peer " + script + " does not exist; run from the "
                        + "project's root or pass --script FILE");
            }
        }
        if (analyze) {
            if (!Files.isDirectory(work)) {
                throw new UsageException("--analyze reads earlier runs from --work, but " + work + " is not a folder");
            }
        } else {
            checkWork(work, List.of(python, script));
        }
        return new Plan(base, m, List.copyOf(all), BenchTargetCommand.hardest(m, targets), chosen, b, t);
    }

    /** The arms in the order they run per seed: Ray first. */
    static List<String> arms(List<String> given) {
        if (given == null || given.isEmpty()) {
            throw new UsageException("--arms needs at least one arm (allowed: " + String.join(", ", ARMS) + ")");
        }
        for (String a : given) {
            if (!ARMS.contains(a)) {
                throw new UsageException("--arms: unknown arm '" + a + "' (allowed: " + String.join(", ", ARMS) + ")");
            }
        }
        if (new HashSet<>(given).size() != given.size()) {
            throw new UsageException("--arms lists an arm twice: " + String.join(",", given));
        }
        return ARMS.stream().filter(given::contains).toList();
    }

    /** What our libtorch uses: OMP_NUM_THREADS when this JVM has a valid one, else one per core. */
    static int defaultThreads(String ompNumThreads, int cores) {
        try {
            int n = ompNumThreads == null ? 0 : Integer.parseInt(ompNumThreads.trim());
            return n > 0 ? n : cores;
        } catch (NumberFormatException e) {
            return cores;
        }
    }

    /** --work is emptied: never the folder we run from, one above it, or one holding --python or --script. */
    static void checkWork(Path work, List<Path> keep) {
        Path w = work.toAbsolutePath().normalize();
        Path here = Path.of("").toAbsolutePath().normalize();
        if (here.startsWith(w)) {
            throw new UsageException("--work " + work + " is emptied first, and it holds the folder you run from; "
                    + "give a folder of its own, e.g. work/bench-peer");
        }
        for (Path k : keep) {
            if (k.toAbsolutePath().normalize().startsWith(w)) {
                throw new UsageException("--work " + work + " is emptied first, and it holds " + k);
            }
        }
    }

    private void writeData(Plan plan) {
        org.smarttuner.tts.data.PreparedDataset data = TrialRunner.prepare(plan.base().data());
        TunerConfig config = BenchTargetCommand.arm(plan.base(), plan.metric(), plan.stopAt(), false);
        try {
            PeerData.write(data, config, work.resolve("data"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the data for " + RAY + " under " + work.resolve("data") + ": "
                    + e.getMessage(), e);
        }
    }

    private void runRay(Plan plan, long seed) {
        Path dir = work.resolve(RayResult.study(seed)).toAbsolutePath();
        List<String> command = command(python, script, work.resolve("data").toAbsolutePath(), seed, plan.budget(),
                plan.metric().name(), plan.stopAt(), dir, plan.threads());
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
        }
        ChildProcess.run("the Ray Tune run of seed " + seed, command, childEnv(plan.threads(),
                System.getenv("OMP_WAIT_POLICY")), dir.resolve("log.txt"), childLimit(plan.budget()));
    }

    /** The contract with ray_tune_peer.py: its command line. */
    static List<String> command(Path python, Path script, Path data, long seed, Duration budget, String metric,
            double stopAt, Path dir, int threads) {
        return List.of(python.toString(), script.toString(), "run", "--data", data.toString(), "--seed",
                String.valueOf(seed), "--budget-seconds", seconds(budget), "--metric", metric, "--stop-at",
                String.valueOf(stopAt), "--out", dir.resolve("result.json").toString(), "--dir", dir.toString(),
                "--threads", String.valueOf(threads));
    }

    /** The child's variables on top of ours: its threads, and libgomp's wait policy as ours. */
    static Map<String, String> childEnv(int threads, String ompWaitPolicy) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("OMP_NUM_THREADS", String.valueOf(threads));
        if (ompWaitPolicy != null) {
            env.put("OMP_WAIT_POLICY", ompWaitPolicy);
        }
        return env;
    }

    /** A Ray run still going at 3 x its budget + 5 minutes is hung. */
    static Duration childLimit(Duration budget) {
        return budget.multipliedBy(3).plusMinutes(5);
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? String.valueOf(d.toSeconds())
                : String.format(Locale.ROOT, "%.3f", d.toMillis() / 1000.0);
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String TIMING = "timing.json";

    /** Our run's clock (the TuneJob started, after the Spark session), kept for --analyze. */
    private static void writeTiming(Path dir, Instant start, Instant end, double sparkSeconds) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("start", start.toEpochMilli() / 1000.0);
        t.put("end", end.toEpochMilli() / 1000.0);
        t.put("spark_session_seconds", sparkSeconds);
        try {
            Files.writeString(dir.resolve(TIMING), JSON.writeValueAsString(t) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve(TIMING) + ": " + e.getMessage(), e);
        }
    }

    private static PeerRun readOurs(SparkSession spark, long seed, String name, Path dir) {
        Path timing = dir.resolve(TIMING);
        if (!Files.isRegularFile(timing)) {
            throw new UsageException("no run of " + name + " in " + dir + " (" + timing + " is missing; run without "
                    + "--analyze first, with the same --seeds and --arms)");
        }
        JsonNode t;
        try {
            t = JSON.readTree(timing.toFile());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + timing + ": " + e.getMessage(), e);
        }
        if (!t.path("start").isNumber() || !t.path("spark_session_seconds").isNumber()) {
            throw new IllegalStateException(timing + " has no number \"start\" or \"spark_session_seconds\"");
        }
        ArmRun run = BenchTargetCommand.read(spark, seed, OURS, name, dir);
        Instant start = Instant.ofEpochMilli(Math.round(t.get("start").asDouble() * 1000));
        return new PeerRun(run.withStart(start), t.get("spark_session_seconds").asDouble());
    }

    private void report(PrintWriter out, Plan plan, List<PeerRun> runs, Map<Long, RayResult> ray) {
        PeerReport report = new PeerReport(seeds, plan.arms(), runs, plan.budget().toMillis() / 1000.0);
        out.printf(Locale.ROOT, "%nclocks start at Tuner.fit() after ray.init (%s) and at the TuneJob's start after "
                + "the Spark session (%s)%n", RAY, OURS);
        for (Target t : plan.targets()) {
            report.print(out, report.figures(t));
        }
        report.printAtBudget(out, PeerReport.metricsOf(plan.targets()));
        report.printOverheads(out);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("metric", plan.metric().name());
        summary.put("budget_seconds", plan.budget().toMillis() / 1000.0);
        summary.put("seeds", seeds);
        summary.put("arms", plan.arms());
        summary.put("parallelism", plan.base().execution().parallelism());
        summary.put("threads", plan.threads());
        summary.put("omp_wait_policy", System.getenv("OMP_WAIT_POLICY"));
        summary.put("sampler", plan.base().study().sampler().type());
        summary.put("pruner", plan.base().study().pruner().type());
        Map<String, Object> versions = new LinkedHashMap<>();
        ray.forEach((seed, r) -> versions.put(String.valueOf(seed), Map.of("ray", r.rayVersion(), "torch",
                r.torchVersion())));
        summary.put("ray_versions", versions);
        summary.putAll(report.summary(plan.targets()));
        Path file = work.resolve("summary.json");
        try {
            Files.writeString(file, JSON.writeValueAsString(summary) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
        out.printf(Locale.ROOT, "%nwrote %s%n", file);
        out.flush();
    }
}
