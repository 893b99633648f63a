package org.smarttuner.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.smarttuner.config.ConfigLoader;
import org.smarttuner.cli.bench.DriverRow;
import org.smarttuner.config.TunerConfig;
import org.smarttuner.spark.BenchWork;
import org.smarttuner.spark.DriverWatch;
import org.smarttuner.spark.MlflowMirror;
import org.smarttuner.spark.Sessions;
import org.smarttuner.spark.StudyMirror;
import org.smarttuner.spark.StudySummary;
import org.smarttuner.spark.TuneJob;
import org.smarttuner.study.FrozenTrial;
import org.smarttuner.study.Study;
import org.smarttuner.study.TrialState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The driver at cluster scale without a cluster: a real {@link TuneJob} on a local Spark with
 * {@code --slots} task threads, real Delta tables, the real study file (and MLflow when a tracking
 * URI is given), and a stand-in trainer ({@link BenchWork}) that sleeps and returns plausible
 * epochs. Prints, every {@code --report-every}, what a 12-hour study would show growing: trials an
 * hour, submit-to-start and end-to-recorded times, ask time, the driver's heap after a full
 * collection and its RSS, and the Delta tables' file count and size; then how long a resume of the
 * finished study takes.
 */
@Command(name = "driver", mixinStandardHelpOptions = true,
        description = {"Run a real TuneJob (local Spark, Delta, the study file, MLflow if --mlflow) with a sleeping",
            "stand-in trainer, and report at intervals how the driver holds up: trials/h, overheads, ask time,",
            "heap, RSS, Delta files; then time a resume of the finished study."})
final class BenchDriverCommand implements Callable<Integer> {
    @Option(names = "--trials", defaultValue = "5000", description = "Trials (default: ${DEFAULT-VALUE}).")
    int trials;

    @Option(names = "--slots", defaultValue = "16", description = "Segments in flight (default: ${DEFAULT-VALUE}).")
    int slots;

    @Option(names = "--epochs", defaultValue = "20", description = "Epochs a trial (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--segment-time", defaultValue = "2s",
            description = "How long the stand-in trainer takes a segment (default: ${DEFAULT-VALUE}).")
    String segmentTime;

    @Option(names = "--report-every", defaultValue = "60s",
            description = "Interval between report lines (default: ${DEFAULT-VALUE}).")
    String reportEvery;

    @Option(names = "--dir", defaultValue = "work/bench-driver",
            description = "Folder for the study's files, emptied first (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--mlflow", description = "MLflow tracking URI to mirror to (default: none).")
    Optional<String> mlflow;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a key of the bench's study configuration.")
    List<String> sets = new ArrayList<>();

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (trials < 1 || slots < 1 || epochs < 1) {
            throw new UsageException("--trials, --slots and --epochs must be >= 1");
        }
        Duration segment = duration("--segment-time", segmentTime);
        Duration every = duration("--report-every", reportEvery);
        deleteTree(dir);
        Files.createDirectories(dir);
        TunerConfig config = ConfigLoader.system().loadText(yaml(), "bench driver", sets, Map.of());
        PrintWriter out = spec.commandLine().getOut();
        SparkSession spark = Sessions.getOrCreate("smart-tuner bench driver", config.execution().master(), 0);
        out.printf(Locale.ROOT, "bench driver: %d trials, %d slots, %d epochs a trial, ASHA (rungs at 1, 3, 9), "
                + "%s a segment, master %s, results in %s%s%n", trials, slots, epochs, segmentTime,
                spark.sparkContext().master(), dir, mlflow.map(u -> ", MLflow " + u).orElse(""));
        out.println(DriverRow.HEADER);
        out.flush();
        DriverWatch watch = new DriverWatch();
        TuneJob job = new TuneJob(config, spark, new BenchWork(segment.toMillis()), mirrors(config, spark),
                Clock.systemUTC()).withWatch(watch);
        long start = System.nanoTime();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bench-driver-report");
            t.setDaemon(true);
            return t;
        });
        DriverRow.Previous previous = new DriverRow.Previous();
        timer.scheduleAtFixedRate(() -> report(out, job, watch, start, previous), every.toMillis(), every.toMillis(),
                TimeUnit.MILLISECONDS);
        StudySummary summary;
        try {
            summary = job.run();
        } finally {
            timer.shutdownNow();
            timer.awaitTermination(1, TimeUnit.MINUTES);
        }
        report(out, job, watch, start, previous);
        out.println(summary.describe(config.study().metric()));
        long resumeStart = System.nanoTime();
        List<StudyMirror> resumeMirrors = mirrors(config, spark);
        TuneJob again = new TuneJob(config, spark, new BenchWork(segment.toMillis()), resumeMirrors,
                Clock.systemUTC());
        StudySummary resumed = again.run();
        long resumedTrials = resumed.counts().values().stream().mapToLong(Long::longValue).sum();
        out.printf(Locale.ROOT, "resume of the finished study (%d trials): %.1f s from a new TuneJob to its summary%n",
                resumedTrials, (System.nanoTime() - resumeStart) / 1e9);
        // Issue #18: MLflow's traffic on resume (the study's own run costs a few calls; a finished trial none).
        resumeMirrors.stream().filter(m -> m instanceof MlflowMirror).map(m -> (MlflowMirror) m).findFirst()
                .flatMap(MlflowMirror::report).ifPresent(r -> out.printf(Locale.ROOT, "MLflow during the resume: %d "
                        + "REST calls in all, %.3f per resumed trial%n", r.requests(),
                        r.requests() / (double) Math.max(1, resumedTrials)));
        out.flush();
        return Main.OK;
    }

    private List<StudyMirror> mirrors(TunerConfig config, SparkSession spark) {
        return Mirrors.open(config, spark);
    }

    private String yaml() {
        String d = dir.toAbsolutePath().toString();
        return """
                study:
                  name: bench-driver
                  metric: val_loss
                  n_trials: %d
                  timeout: 48h
                  max_failures: 1000
                  sampler: {type: tpe, seed: 1}
                  pruner: {type: asha, min_resource: 1, reduction_factor: 3}
                search_space:
                  learning_rate: {type: float, low: 1.0e-5, high: 1.0e-1, log: true}
                  guided_attention_weight: {type: float, low: 0.3, high: 3.0, log: true}
                  gate_positive_weight: {type: float, low: 2.0, high: 20.0, log: true}
                  p_attention_dropout: {type: float, low: 0.0, high: 0.2, step: 0.05}
                data:
                  corpus: synthetic
                  path: %s/data
                model: {preset: small}
                training: {epochs: %d}
                execution:
                  master: local[%d]
                  parallelism: %d
                  checkpoint_dir: %s/checkpoints
                output:
                  delta_path: %s/delta
                  sqlite_path: %s/study.db
                %s
                """.formatted(trials, d, epochs, slots, slots, d, d, d,
                mlflow.map(u -> "  mlflow: {tracking_uri: '" + u + "', experiment: bench-driver}").orElse(""));
    }

    private void report(PrintWriter out, TuneJob job, DriverWatch watch, long start, DriverRow.Previous previous) {
        try {
            Study study = job.study();
            Map<TrialState, Long> counts = new EnumMap<>(TrialState.class);
            if (study != null) {
                for (FrozenTrial t : study.trials()) {
                    counts.merge(t.state(), 1L, Long::sum);
                }
            }
            System.gc(); // the heap a long study retains, not the garbage between collections
            long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            DriverRow row = DriverRow.of((System.nanoTime() - start) / 1e9, counts, watch.drain(), heap, rssBytes(),
                    DriverRow.files(Path.of(dir.toString(), "delta"), table -> activeFiles(table)), previous);
            out.println(row.line());
            out.flush();
        } catch (RuntimeException e) {
            out.println("report failed: " + e);
            out.flush();
        }
    }

    private long activeFiles(String table) {
        try {
            return io.delta.tables.DeltaTable.forPath(SparkSession.active(), dir.resolve("delta").resolve(table)
                    .toString()).detail().select("numFiles").head().getLong(0);
        } catch (RuntimeException e) {
            return -1; // not created yet
        }
    }

    /** This process's resident set size from /proc (0 where there is none). */
    static long rssBytes() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/status"))) {
            return lines.filter(l -> l.startsWith("VmRSS:")).findFirst()
                    .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024).orElse(0L);
        } catch (IOException | UncheckedIOException | NumberFormatException e) {
            return 0;
        }
    }

    private static Duration duration(String option, String text) {
        return org.smarttuner.config.ConfigReader.parseDuration(text.trim()).filter(d -> !d.isNegative() && !d.isZero())
                .orElseThrow(() -> new UsageException(option + ": '" + text + "' is not a positive duration (allowed: "
                        + "e.g. 500ms, 2s, 1m)"));
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path x : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(x);
            }
        }
    }
}
