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
}
