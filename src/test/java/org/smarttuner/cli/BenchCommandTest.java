package org.smarttuner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class BenchCommandTest {

    private static int run(StringWriter out, StringWriter err, String... args) {
        return Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    }

    @Test
    void benchSamplerPrintsATable() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = run(out, err, "bench", "sampler", "--seeds", "2", "--trials", "15", "--problems", "sphere-5,mixed",
                "--samplers", "random,tpe", "--timing-at", "20", "--timing-window", "2");
        assertEquals(Main.OK, code, err.toString());
        String text = out.toString();
        assertTrue(text.contains("sphere-5") && text.contains("mixed") && text.contains("tpe"), text);
        assertTrue(text.contains("ms per ask"), text);
    }

    @Test
    void unknownSamplerOrProblemIsAUsageError() {
        StringWriter err = new StringWriter();
        assertEquals(Main.USAGE_ERROR, run(new StringWriter(), err, "bench", "sampler", "--samplers", "tpee"));
        assertTrue(err.toString().contains("unknown sampler 'tpee'"), err.toString());
        StringWriter err2 = new StringWriter();
        assertEquals(Main.USAGE_ERROR, run(new StringWriter(), err2, "bench", "sampler", "--problems", "spere-5"));
        assertTrue(err2.toString().contains("sphere-5"), err2.toString());
    }

    /** Two seed sets, an Optuna file beside them, the right-category share; an old-format Optuna file refused. */
    @Test
    void seedSetsAndOptunasFileSideBySide(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path file = dir.resolve("o.json");
        java.nio.file.Files.writeString(file, """
                {"optuna_version": "5.0.0", "seeds": 3, "first_seed": 7, "trials": 15, "quality": [
                 {"problem": "mixed", "sampler": "tpe", "best": [1.0, 2.0, 3.0], "right": [true, false, true]}]}
                """);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = run(out, err, "bench", "sampler", "--seeds", "3", "--trials", "12", "--problems", "mixed",
                "--samplers", "tpe", "--seed-sets", "0,1000", "--no-timing", "--optuna", file.toString());
        assertEquals(Main.OK, code, err.toString());
        String text = out.toString();
        assertTrue(text.contains("ours, seeds 0-2 | ours, seeds 1000-1002 | optuna 5.0.0, seeds 7-9"), text);
        assertTrue(text.contains("2.000 [1.000, 3.000] (right 67%)"), text);
        java.nio.file.Files.writeString(file, """
                {"quality": [{"problem": "mixed", "sampler": "tpe", "q1": 1, "median": 2, "q3": 3}]}
                """);
        StringWriter err2 = new StringWriter();
        assertEquals(Main.USAGE_ERROR, run(new StringWriter(), err2, "bench", "sampler", "--problems", "mixed",
                "--optuna", file.toString()));
        assertTrue(err2.toString().contains("per-seed \"best\" values"), err2.toString());
    }

    @Test
    void medianIntervalHoldsTheMedianAndNarrowsWithMoreSeeds() {
        double[] few = new double[11];
        double[] many = new double[201];
        java.util.SplittableRandom rng = new java.util.SplittableRandom(3);
        for (int i = 0; i < many.length; i++) {
            many[i] = rng.nextGaussian();
            if (i < few.length) {
                few[i] = many[i];
            }
        }
        org.smarttuner.cli.bench.MedianInterval a = org.smarttuner.cli.bench.MedianInterval.of(few);
        org.smarttuner.cli.bench.MedianInterval b = org.smarttuner.cli.bench.MedianInterval.of(many);
        assertTrue(a.lo() <= a.median() && a.median() <= a.hi(), a.toString());
        assertTrue(b.lo() <= b.median() && b.median() <= b.hi(), b.toString());
        assertTrue(b.hi() - b.lo() < (a.hi() - a.lo()) / 2, "201 seeds: " + b + " vs 11: " + a);
        assertTrue(b.lo() < 0.2 && b.hi() > -0.2, "the true median 0 is inside: " + b);
    }
}
