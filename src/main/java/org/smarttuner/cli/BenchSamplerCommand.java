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
import org.smarttuner.cli.bench.MedianInterval;
import org.smarttuner.cli.bench.SamplerBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Best value found per sampler and problem (the median over seeds with a 95% bootstrap interval,
 * for each seed set; the share of seeds whose best trial found a problem's right category), and
 * ms per ask at given numbers of finished trials; optionally beside Optuna's figures from
 * src/test/python/bench_optuna.py, one file per seed set.
 */
@Command(name = "sampler", mixinStandardHelpOptions = true,
        description = {"Run samplers on sphere, Rosenbrock, Styblinski-Tang (5-D, 10-D), off-centre problems and",
            "mixed spaces; print the median best value over seeds [95% bootstrap interval] per seed set,",
            "the share of seeds that found the right category, and ms per ask."})
final class BenchSamplerCommand implements Callable<Integer> {
    @Option(names = "--trials", defaultValue = "100", description = "Trials per run (default: ${DEFAULT-VALUE}).")
    int trials;

    @Option(names = "--seeds", defaultValue = "20", description = "Seeds per set (default: ${DEFAULT-VALUE}).")
    int seeds;

    @Option(names = "--seed-sets", split = ",", defaultValue = "0",
            description = "First seed of each set: 0,1000 runs seeds 0..n-1 and 1000..1000+n-1, reported apart "
                    + "so the spread between sets shows (default: ${DEFAULT-VALUE}).")
    List<Long> seedSets;

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

    @Option(names = "--optuna", description = "JSON from src/test/python/bench_optuna.py, printed beside ours; "
            + "repeat it for Optuna's runs on other seed sets.")
    List<Path> optuna = new ArrayList<>();

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
        List<OptunaRuns> theirs = new ArrayList<>();
        Map<String, Double> theirTiming = new HashMap<>();
        for (Path file : optuna) {
            theirs.add(readOptuna(file, theirTiming));
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "best value after %d trials (lower is better): median over %d seeds [95%% bootstrap "
                + "interval of the median]; (right x%%): seeds whose best trial has the right category%n", trials, seeds);
        List<String> header = new ArrayList<>(List.of("problem", "sampler"));
        seedSets.forEach(f -> header.add("ours, seeds " + f + "-" + (f + seeds - 1)));
        theirs.forEach(o -> header.add("optuna " + o.version() + ", seeds " + o.firstSeed() + "-"
                + (o.firstSeed() + o.seeds() - 1)));
        out.println(String.join(" | ", header));
        for (BenchProblem p : chosen) {
            for (String s : samplers) {
                List<String> row = new ArrayList<>(List.of(p.name(), s));
                for (long first : seedSets) {
                    row.add(cell(SamplerBench.quality(p, s, trials, first, seeds)));
                }
                for (OptunaRuns o : theirs) {
                    SamplerBench.Quality q = o.quality().get(p.name() + "/" + s);
                    row.add(q == null ? "-" : cell(q));
                }
                out.println(String.join(" | ", row));
                out.flush();
            }
        }
        if (!noTiming) {
            out.printf(Locale.ROOT, "%nms per ask on sphere-10 (mean of %d asks) after N finished trials%n", window);
            out.printf(Locale.ROOT, "%-17s %-8s %-12s %-12s %s%n", "sampler", "N", "ours wall", "ours cpu",
                    optuna.isEmpty() ? "" : "optuna");
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

    static String cell(SamplerBench.Quality q) {
        MedianInterval m = q.median();
        return String.format(Locale.ROOT, "%.4g [%.4g, %.4g]", m.median(), m.lo(), m.hi())
                + q.rightShare().map(r -> String.format(Locale.ROOT, " (right %.0f%%)", 100 * r)).orElse("");
    }

    /** One bench_optuna.py file: its per-seed results by "problem/sampler". */
    record OptunaRuns(String version, long firstSeed, int seeds, Map<String, SamplerBench.Quality> quality) {
    }

    private static OptunaRuns readOptuna(Path file, Map<String, Double> timing) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new UsageException("--optuna: " + file + " is not a file (make it with "
                    + "src/test/python/bench_optuna.py --out " + file + ")");
        }
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        if (root == null || !root.has("quality") || !root.path("quality").path(0).has("best")) {
            throw new UsageException("--optuna: " + file + " has no \"quality\" list with per-seed \"best\" values; "
                    + "make it again with src/test/python/bench_optuna.py");
        }
        Map<String, SamplerBench.Quality> quality = new HashMap<>();
        long first = root.path("first_seed").asLong(0);
        for (JsonNode q : root.get("quality")) {
            double[] best = new double[q.get("best").size()];
            for (int i = 0; i < best.length; i++) {
                best[i] = q.get("best").get(i).asDouble();
            }
            Optional<boolean[]> right = Optional.empty();
            if (q.path("right").isArray()) {
                boolean[] r = new boolean[q.get("right").size()];
                for (int i = 0; i < r.length; i++) {
                    r[i] = q.get("right").get(i).asBoolean();
                }
                right = Optional.of(r);
            }
            String key = q.get("problem").asText() + "/" + q.get("sampler").asText();
            quality.put(key, new SamplerBench.Quality(q.get("problem").asText(), q.get("sampler").asText(), first, best,
                    right));
        }
        for (JsonNode t : root.path("timing")) {
            timing.put(t.get("sampler").asText() + "/" + t.get("finished_trials").asInt(),
                    t.get("ms_per_ask").asDouble());
        }
        return new OptunaRuns(root.path("optuna_version").asText("?"), first, root.path("seeds").asInt(), quality);
    }

}
