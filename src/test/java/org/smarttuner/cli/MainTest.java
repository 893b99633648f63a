package org.smarttuner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void helpOnTheRootAndEverySubcommand() {
        Run root = run("--help");
        assertEquals(0, root.code());
        assertTrue(root.out().contains("Usage: smart-tuner"), root.out());
        var subs = Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()))
                .getSubcommands().keySet();
        assertTrue(subs.contains("config"), subs.toString());
        for (String sub : subs) {
            Run r = sub.equals("help") ? run("help") : run(sub, "--help");
            assertEquals(0, r.code(), sub + ": " + r.err());
            assertTrue(r.out().contains("Usage: smart-tuner"), sub + ": " + r.out());
        }
    }

    @Test
    void usageErrorsExitWithTwo() {
        Run unknown = run("no-such-command");
        assertEquals(Main.USAGE_ERROR, unknown.code());
        assertTrue(unknown.err().contains("no-such-command"), unknown.err());
        assertEquals(Main.USAGE_ERROR, run().code(), "no command at all");
        assertEquals(Main.USAGE_ERROR, run("config", "--format", "xml").code());
    }

    @Test
    void configCommandPrintsTheResolvedEmbeddedDefault() {
        Run r = run("config", "--format", "json", "--set", "study.n_trials=3");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"n_trials\" : 3"), r.out());
    }

    @Test
    void configErrorsExitWithTwoAndListEveryProblem(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bad.yaml");
        Files.writeString(f, "study:\n  name: x\n  n_trials: 0\nsearch_space: {}\n");
        Run r = run("config", "-c", f.toString());
        assertEquals(Main.USAGE_ERROR, r.code());
        assertTrue(r.err().contains("2 configuration errors"), r.err());
        assertTrue(r.err().contains(f + ":3:13: study.n_trials"), r.err());
        assertTrue(r.err().contains("search_space"), r.err());
        assertEquals("", r.out());
    }
}
