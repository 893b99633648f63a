package org.smarttuner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smarttuner.spark.SparkTestSession;
import org.smarttuner.tracking.FakeMlflowServer;

/**
 * Issue #18 item 4: {@code bench driver --mlflow} measures MLflow's traffic when the finished study is resumed:
 * a few calls for the study's own run, none per finished trial.
 */
class BenchDriverMlflowTest {
    @TempDir
    Path dir;

    @Test
    @Tag("slow")
    void resumingAFinishedStudyMakesNoMlflowCallPerTrial() throws Exception {
        SparkTestSession.get();
        int trials = Integer.getInteger("bench.mlflow.trials", 60);
        try (FakeMlflowServer server = FakeMlflowServer.start()) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute("bench",
                    "driver", "--trials", String.valueOf(trials), "--slots", "4", "--epochs", "4", "--segment-time",
                    "100ms", "--report-every", "60s", "--dir", dir.resolve("bd").toString(), "--mlflow", server.uri());
            assertEquals(Main.OK, code, err.toString() + out);
            String text = out.toString();
            Matcher m = Pattern.compile("MLflow during the resume: (\\d+) REST calls in all, ([0-9.]+) per resumed "
                    + "trial").matcher(text);
            assertTrue(m.find(), text);
            System.out.println("[bench driver --mlflow] " + trials + " trials: " + m.group());
            assertEquals(trials + 1, server.runs().size(), "one run per trial and the study's");
            // the study's own run: look-up, search, best_value history, RUNNING, FINISHED (and nothing per trial)
            assertTrue(Integer.parseInt(m.group(1)) <= 8, m.group());
        }
    }
}
