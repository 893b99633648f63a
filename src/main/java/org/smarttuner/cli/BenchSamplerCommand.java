package org.smarttuner.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.smarttuner.cli.bench.BenchProblem;
import org.smarttuner.cli.bench.SamplerBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Best value found (median and quartiles over seeds) per sampler and problem, and ms per ask at
 * given numbers of finished trials; optionally beside Optuna's figures from
 * src/test/python/bench_optuna.py.
 */
@Command(name = "sampler", mixinStandardHelpOptions = true,
        description = {"Run samplers on sphere, Rosenbrock, Styblinski-Tang (5-D, 10-D) and a mixed space;",
            "print median [q1, q3] of the best value over seeds, and ms per ask."})
final class BenchSamplerCommand implements Callable<Integer> {
    @Option(names = "--trials", defaultValue = "100", description = "Trials per run (default: ${DEFAULT-VALUE}).")
    int trials;

    @Option(names = "--seeds", defaultValue = "20", description = "Seeds 0..n-1 (default: ${DEFAULT-VALUE}).")
    int seeds;

    @Option(names = "--samplers", split = ",", defaultValue = "random,tpe,tpe-multivariate,cmaes",
            description = "Samplers: random, tpe, tpe-multivariate, cmaes, cmaes-ipop (default: ${DEFAULT-VALUE}).")
    List<String> samplers;

    @Option(names = "--problems", split = ",", description = "Problems (default: all).")
    List<String> problems;

    @Option(names = "--timing-at", split = ",", defaultValue = "100,1000",
            description = "Finished-trial counts at which ask time is measured (default: ${DEFAULT-VALUE}).")
    int[] timingAt;

    @Option(names = "--timing-window", defaultValue = "20", description = "Asks averaged (default: ${DEFAULT-VALUE}).")
    int window;

    @Option(names = "--no-timing", description = "Skip the ask-time measurement.")
    boolean noTiming;

    @Option(names = "--optuna", description = "JSON from src/test/python/bench_optuna.py, printed beside ours.")
    Optional<Path> optuna;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (trials < 1 || seeds < 1 || window < 1) {
            throw new UsageException("--trials, --seeds and --timing-window must be >= 1");
        }
        for (String s : samplers) {
            try {
                SamplerBench.sampler(s);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--samplers: " + e.getMessage());
            }
        }
        List<BenchProblem> chosen = new ArrayList<>();
        for (BenchProblem p : BenchProblem.all()) {
            if (problems == null || problems.contains(p.name())) {
                chosen.add(p);
            }
        }
        if (problems != null && chosen.size() != problems.size()) {
            throw new UsageException("--problems: unknown name in " + problems + "; allowed: "
                    + BenchProblem.all().stream().map(BenchProblem::name).toList());
        }
        Map<String, double[]> theirs = new HashMap<>();
        Map<String, Double> theirTiming = new HashMap<>();
        if (optuna.isPresent()) {
            readOptuna(optuna.get(), theirs, theirTiming);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "best value after %d trials, median [q1, q3] over %d seeds (lower is better)%n",
                trials, seeds);
        out.printf(Locale.ROOT, "%-20s %-17s %-36s %s%n", "problem", "sampler", "smart-tuner",
                optuna.isPresent() ? "optuna" : "");
        for (BenchProblem p : chosen) {
            for (String s : samplers) {
                SamplerBench.Quality q = SamplerBench.quality(p, s, trials, seeds);
                double[] o = theirs.get(p.name() + "/" + s);
                out.printf(Locale.ROOT, "%-20s %-17s %-36s %s%n", p.name(), s, fmt(q.median(), q.q1(), q.q3()),
                        o == null ? "" : fmt(o[1], o[0], o[2]));
                out.flush();
            }
        }
        if (!noTiming) {
            out.printf(Locale.ROOT, "%nms per ask on sphere-10 (mean of %d asks) after N finished trials%n", window);
            out.printf(Locale.ROOT, "%-17s %-8s %-12s %-12s %s%n", "sampler", "N", "ours wall", "ours cpu",
                    optuna.isPresent() ? "optuna" : "");
            for (String s : samplers) {
                for (SamplerBench.Timing t : SamplerBench.timing(s, timingAt, window)) {
                    Double o = theirTiming.get(s + "/" + t.finishedTrials());
                    out.printf(Locale.ROOT, "%-17s %-8d %-12.3f %-12.3f %s%n", s, t.finishedTrials(), t.msPerAsk(),
                            t.cpuMsPerAsk(),
                            o == null ? "" : String.format(Locale.ROOT, "%.3f", o));
                    out.flush();
                }
            }
        }
        return Main.OK;
    }

    private static String fmt(double median, double q1, double q3) {
        return String.format(Locale.ROOT, "%.4g [%.4g, %.4g]", median, q1, q3);
    }

    private static void readOptuna(Path file, Map<String, double[]> quality, Map<String, Double> timing)
            throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new UsageException("--optuna: " + file + " is not a file (make it with "
                    + "src/test/python/bench_optuna.py --out " + file + ")");
        }
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        if (root == null || !root.has("quality")) {
            throw new UsageException("--optuna: " + file + " has no \"quality\" list; is it bench_optuna.py output?");
        }
        for (JsonNode q : root.get("quality")) {
            quality.put(q.get("problem").asText() + "/" + q.get("sampler").asText(),
                    new double[] {q.get("q1").asDouble(), q.get("median").asDouble(), q.get("q3").asDouble()});
        }
        for (JsonNode t : root.path("timing")) {
            timing.put(t.get("sampler").asText() + "/" + t.get("finished_trials").asInt(),
                    t.get("ms_per_ask").asDouble());
        }
    }

}
