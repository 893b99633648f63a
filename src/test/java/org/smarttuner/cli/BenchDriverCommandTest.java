package org.smarttuner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smarttuner.spark.SparkTestSession;

/** bench driver end to end on a small study: its report lines, the summary and the resume. */
class BenchDriverCommandTest {
    @TempDir
    Path dir;

    private static int run(StringWriter out, StringWriter err, String... args) {
        return Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    }

    @Test
    @Tag("slow")
    void aSmallStudyIsReportedRecordedAndResumed() {
        SparkTestSession.get(); // the bench reuses the active session, as a notebook would
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = run(out, err, "bench", "driver", "--trials", "5", "--slots", "2", "--epochs", "2",
                "--segment-time", "100ms", "--report-every", "3s", "--dir", dir.resolve("bd").toString());
        assertEquals(Main.OK, code, err.toString() + out);
        String text = out.toString();
        assertTrue(text.contains("end->recorded p50/p95 ms"), text);
        assertTrue(text.contains("n_trials 5 reached"), text);
        assertTrue(text.matches("(?s).*\\n\\s+\\d+s\\s+5 \\(\\d+/\\d+/0\\).*"), "a last line with all 5 trials: " + text);
        assertTrue(text.contains("resume of the finished study (5 trials)"), text);
    }

    @Test
    void badDurationsAreUsageErrors() {
        StringWriter err = new StringWriter();
        assertEquals(Main.USAGE_ERROR, run(new StringWriter(), err, "bench", "driver", "--segment-time", "soon",
                "--dir", dir.resolve("x").toString()));
        assertTrue(err.toString().contains("--segment-time: 'soon' is not a positive duration"), err.toString());
    }
}
