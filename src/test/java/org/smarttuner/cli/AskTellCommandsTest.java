package org.smarttuner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AskTellCommandsTest {
    private static final String SPACE = "{\"x\": {\"name\": \"FloatDistribution\", \"attributes\": {\"low\": -2.0, "
            + "\"high\": 2.0}}, \"opt\": {\"name\": \"CategoricalDistribution\", \"attributes\": {\"choices\": "
            + "[\"adam\", \"sgd\"]}}}";

    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void aShellLoopCanDriveAStudy() throws Exception {
        String url = "sqlite:///" + dir.resolve("s.db");
        assertEquals(0, run("create-study", "--storage", url, "--study-name", "loop", "--direction", "minimize")
                .code());
        ObjectMapper json = new ObjectMapper();
        for (int i = 0; i < 12; i++) {
            Run ask = run("ask", "--storage", url, "--study-name", "loop", "--search-space", SPACE,
                    "--sampler-kwargs", "{\"seed\": 3}");
            assertEquals(0, ask.code(), ask.err());
            JsonNode a = json.readTree(ask.out());
            assertEquals(i, a.get("number").asInt());
            double x = a.get("params").get("x").asDouble();
            double v = x * x + (a.get("params").get("opt").asText().equals("adam") ? 0 : 1);
            Run tell = i == 5 ? run("tell", "--storage", url, "--study-name", "loop", "--trial-number", "5",
                    "--state", "pruned")
                    : run("tell", "--storage", url, "--study-name", "loop", "--trial-number", String.valueOf(i),
                    "--values", String.valueOf(v));
            assertEquals(0, tell.code(), tell.err());
        }
        Run trials = run("trials", "--storage", url, "--study-name", "loop", "-f", "json");
        JsonNode all = json.readTree(trials.out());
        assertEquals(12, all.size());
        assertEquals("PRUNED", all.get(5).get("state").asText());
        Run table = run("trials", "--storage", url, "--study-name", "loop");
        assertTrue(table.out().startsWith("+--------+") && table.out().contains("| number |"), table.out());
        Run best = run("best-trial", "--storage", url, "--study-name", "loop", "-f", "json");
        JsonNode b = json.readTree(best.out());
        double bestValue = Double.POSITIVE_INFINITY;
        for (JsonNode t : all) {
            if (t.get("state").asText().equals("COMPLETE")) {
                bestValue = Math.min(bestValue, t.get("value").asDouble());
            }
        }
        assertEquals(bestValue, b.get("value").asDouble());
        assertEquals(0, run("delete-study", "--storage", url, "--study-name", "loop").code());
        Run gone = run("trials", "--storage", url, "--study-name", "loop");
        assertEquals(Main.USAGE_ERROR, gone.code());
        assertTrue(gone.err().contains("no study named 'loop'"), gone.err());
    }

    @Test
    void mistakesGetClearMessages() throws Exception {
        String url = "sqlite:///" + dir.resolve("s.db");
        run("create-study", "--storage", url, "--study-name", "s");
        Run dup = run("create-study", "--storage", url, "--study-name", "s");
        assertEquals(Main.RUNTIME_ERROR, dup.code());
        assertTrue(dup.err().contains("already exists"), dup.err());
        assertEquals(0, run("create-study", "--storage", url, "--study-name", "s", "--skip-if-exists").code());
        Run badSpace = run("ask", "--storage", url, "--study-name", "s", "--search-space", "{\"x\": {\"name\": "
                + "\"FloatDistribution\", \"attributes\": {\"low\": 3.0, \"high\": 1.0}}}");
        assertEquals(Main.USAGE_ERROR, badSpace.code());
        assertTrue(badSpace.err().contains("'x'") && badSpace.err().contains("low must be <= high"), badSpace.err());
        Run badSampler = run("ask", "--storage", url, "--study-name", "s", "--search-space", SPACE,
                "--sampler-kwargs", "{\"sed\": 1}");
        assertEquals(Main.USAGE_ERROR, badSampler.code());
        assertTrue(badSampler.err().contains("'sed'") && badSampler.err().contains("seed"), badSampler.err());
        Run noStudy = run("ask", "--storage", url, "--study-name", "t", "--search-space", SPACE);
        assertEquals(Main.USAGE_ERROR, noStudy.code());
        assertTrue(noStudy.err().contains("no study named 't'"), noStudy.err());
        run("ask", "--storage", url, "--study-name", "s", "--search-space", SPACE);
        assertEquals(0, run("tell", "--storage", url, "--study-name", "s", "--trial-number", "0", "--values", "1")
                .code());
        Run twice = run("tell", "--storage", url, "--study-name", "s", "--trial-number", "0", "--values", "2");
        assertEquals(Main.USAGE_ERROR, twice.code());
        assertTrue(twice.err().contains("is COMPLETE"), twice.err());
        assertEquals(0, run("tell", "--storage", url, "--study-name", "s", "--trial-number", "0", "--values", "2",
                "--skip-if-finished").code());
        run("ask", "--storage", url, "--study-name", "s", "--search-space", SPACE);
        Run nan = run("tell", "--storage", url, "--study-name", "s", "--trial-number", "1", "--values", "nan");
        assertEquals(0, nan.code(), nan.err());
        assertTrue(nan.err().contains("recorded as FAIL"), nan.err());
        Run notNumber = run("tell", "--storage", url, "--study-name", "s", "--trial-number", "1", "--values", "abc");
        assertEquals(Main.USAGE_ERROR, notNumber.code());
        assertTrue(notNumber.err().contains("'abc' is not a number"), notNumber.err());
        Run badUrl = run("trials", "--storage", "mysql://h/db", "--study-name", "s");
        assertEquals(Main.USAGE_ERROR, badUrl.code());
        assertTrue(badUrl.err().contains("sqlite:///"), badUrl.err());
        Path junk = dir.resolve("junk.db");
        Files.writeString(junk, "hello");
        Run notDb = run("trials", "--storage", "sqlite:///" + junk, "--study-name", "s");
        assertEquals(Main.RUNTIME_ERROR, notDb.code());
        assertTrue(notDb.err().contains("is not an SQLite database"), notDb.err());
        assertEquals("hello", Files.readString(junk));
    }

    @Test
    void askAndTellAreRefusedWhileATuneDrivesTheStudyAndAllowedOnceItEnds() throws Exception {
        java.nio.file.Path file = dir.resolve("s.db");
        String url = "sqlite:///" + file;
        assertEquals(0, run("create-study", "--storage", url, "--study-name", "t").code());
        Run first = run("ask", "--storage", url, "--study-name", "t", "--search-space", SPACE);
        assertEquals(0, first.code(), first.err());
        // the study file mirror of a running tune, in this (live) process
        org.smarttuner.spark.SqliteMirror mirror = new org.smarttuner.spark.SqliteMirror(file, "t",
                org.smarttuner.study.StudyDirection.MINIMIZE);
        org.smarttuner.spark.StudyLease lease = org.smarttuner.spark.StudyLease.acquire(
                new org.apache.hadoop.conf.Configuration(), dir.resolve("delta").toString(), "t", "tune");
        try {
            mirror.driverStarted(lease.holder(), dir.resolve("delta").toString());
            Run ask = run("ask", "--storage", url, "--study-name", "t", "--search-space", SPACE);
            assertEquals(Main.RUNTIME_ERROR, ask.code(), ask.out());
            assertTrue(ask.err().contains("is being run by smart-tuner tune (host "), ask.err());
            assertTrue(ask.err().contains("process " + ProcessHandle.current().pid()), ask.err());
            assertTrue(ask.err().contains("ask would write trials that tune owns"), ask.err());
            Run tell = run("tell", "--storage", url, "--study-name", "t", "--trial-number", "0", "--values", "1.5");
            assertEquals(Main.RUNTIME_ERROR, tell.code(), tell.out());
            assertTrue(tell.err().contains("tell would write trials that tune owns"), tell.err());
        } finally {
            mirror.close(); // tune ends: its mark says so
            lease.close();
        }
        Run tell = run("tell", "--storage", url, "--study-name", "t", "--trial-number", "0", "--values", "1.5");
        assertEquals(0, tell.code(), tell.err());
        assertEquals(0, run("ask", "--storage", url, "--study-name", "t", "--search-space", SPACE).code());

        // a tune killed with SIGKILL leaves its mark unreleased: a dead process does not hold the study
        Process dead = new ProcessBuilder("true").start();
        dead.waitFor();
        try (org.smarttuner.storage.SqliteStudyStorage st = org.smarttuner.storage.SqliteStudyStorage.open(file)) {
            java.time.Instant now = java.time.Instant.now();
            st.setStudySystemAttr("t", org.smarttuner.storage.DriverMark.KEY, new org.smarttuner.storage.DriverMark(
                    org.smarttuner.storage.DriverMark.thisHost(), dead.pid(), now, now, "delta", false).toJson());
        }
        assertEquals(0, run("ask", "--storage", url, "--study-name", "t", "--search-space", SPACE).code());
    }

    @Test
    void storageBeforeTheVerbWorksAsInOptunasCli() {
        String url = "sqlite:///" + dir.resolve("before.db");
        Run created = run("--storage", url, "create-study", "--study-name", "b", "--direction", "minimize");
        assertEquals(0, created.code(), created.err());
        Run asked = run("--storage=" + url, "ask", "--study-name", "b", "--search-space", SPACE);
        assertEquals(0, asked.code(), asked.err());
        assertEquals(0, run("--storage", url, "tell", "--study-name", "b", "--trial-number", "0", "--values", "0.5")
                .code());
        Run trials = run("trials", "--storage", url, "--study-name", "b");
        assertEquals(0, trials.code(), trials.err());
        assertTrue(trials.out().contains("0.5"), trials.out());
        org.junit.jupiter.api.Assertions.assertArrayEquals(new String[] {"--verbose", "ask", "--storage", "u", "-x"},
                Main.optionsAfterVerb(new String[] {"--verbose", "--storage", "u", "ask", "-x"}));
        org.junit.jupiter.api.Assertions.assertArrayEquals(new String[] {"--storage", "u", "tune"},
                Main.optionsAfterVerb(new String[] {"--storage", "u", "tune"}), "left alone where no verb takes it");
    }

    @Test
    void optunaStorageInTheEnvironmentStandsInForStorage() throws Exception {
        String url = "sqlite:///" + dir.resolve("env.db");
        assertEquals(0, run("create-study", "--storage", url, "--study-name", "e", "--direction", "minimize").code());
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(javaBin.toString(), "-cp", System.getProperty("java.class.path"),
                "org.smarttuner.cli.Main", "trials", "--study-name", "e").redirectErrorStream(true);
        pb.environment().put("OPTUNA_STORAGE", url);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        if (System.getenv("OPTUNA_STORAGE") == null) {
            Run none = run("trials", "--study-name", "e");
            assertEquals(Main.USAGE_ERROR, none.code());
            assertTrue(none.err().contains("--storage is required (or set OPTUNA_STORAGE)"), none.err());
        }
    }
}
