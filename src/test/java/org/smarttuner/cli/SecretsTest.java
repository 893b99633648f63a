package org.smarttuner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smarttuner.config.ConfigLoader;
import org.smarttuner.config.TunerConfig;
import org.smarttuner.tracking.FakeMlflowServer;
import org.smarttuner.tracking.LogCapture;
import org.smarttuner.tracking.StudyTracker;
import org.smarttuner.tracking.Trackers;
import org.smarttuner.tracking.TrackingReport;
import org.smarttuner.tracking.TrialOutcome;

/**
 * A password in {@code output.mlflow.tracking_uri} signs the tracker in and shows nowhere: not in
 * {@code config} output, the console, logs (with or without --verbose), MLflow params or tags.
 */
class SecretsTest {
    private static final String PW = "s3cr3t-PW-123";
    private static final String URI = "http://u:" + PW + "@mlflow.example:5000";

    @TempDir
    Path dir;

    @Test
    void configPrintsTheUriWithoutItsPasswordInYamlAndJsonWithAndWithoutVerbose() {
        for (String format : List.of("yaml", "json")) {
            for (boolean verbose : List.of(false, true)) {
                MainTest.Run r;
                List<String> logged;
                try (LogCapture logs = new LogCapture()) {
                    r = verbose ? MainTest.run("--verbose", "config", "--format", format, "--set",
                            "output.mlflow.tracking_uri=" + URI)
                            : MainTest.run("config", "--format", format, "--set", "output.mlflow.tracking_uri=" + URI);
                    logged = logs.lines();
                }
                String what = format + (verbose ? " --verbose" : "");
                assertEquals(0, r.code(), what + ": " + r.err());
                assertTrue(r.out().contains("http://u:***@mlflow.example:5000"), what + ": " + r.out());
                String everything = r.out() + r.err() + String.join("\n", logged);
                assertFalse(everything.contains(PW), what + ": " + everything);
            }
        }
    }

    @Test
    void aBadUserPartIsAConfigErrorNamingTheKeyWithoutThePassword() {
        MainTest.Run r = MainTest.run("--verbose", "config", "--set",
                "output.mlflow.tracking_uri=http://u:" + PW + "%zz@mlflow.example:5000");
        assertEquals(Main.USAGE_ERROR, r.code());
        assertTrue(r.err().contains("output.mlflow.tracking_uri: the password in the URL's user:password part has a '%'"),
                r.err());
        assertFalse(r.err().contains(PW) || r.out().contains(PW), r.err());
    }

    @Test
    void runtimeErrorsOnTheConsoleDoNotShowAPassword() {
        String text = Main.describe(new IllegalStateException("tracker failed",
                new java.io.IOException("cannot reach " + URI)));
        assertEquals("tracker failed\n  caused by: cannot reach http://u:***@mlflow.example:5000", text);
    }

    @Test
    void theParentRunsParamsCarryTheConfigWithoutThePasswordWhichSignsIn() throws Exception {
        try (FakeMlflowServer server = FakeMlflowServer.start(); LogCapture logs = new LogCapture()) {
            server.requireBasic("u", PW);
            String uri = server.uri().replace("://", "://u:" + PW + "@");
            TunerConfig config = new ConfigLoader(k -> null, dir).loadText(ConfigLoader.embeddedDefault(), "test.yaml",
                    List.of("output.mlflow.tracking_uri=" + uri, "data.path=" + dir.resolve("data")), Map.of());
            var m = config.output().mlflow();
            StudyTracker tracker = Trackers.open(m.trackingUri(), m.experiment(), Duration.ofSeconds(30),
                    m.queueCapacity(), Map.of(), item -> { });
            String parent = tracker.studyStarted(Mirrors.studyInfo(config, new org.apache.hadoop.conf.Configuration()))
                    .get(30, TimeUnit.SECONDS).orElseThrow();
            tracker.trialStarted(0, Map.of("learning_rate", 0.002), Optional.empty());
            tracker.trialFinished(0, TrialOutcome.COMPLETE, OptionalDouble.of(3.5), Optional.empty());
            TrackingReport report = tracker.close(Duration.ofSeconds(30));
            assertTrue(report.complete(), report::toString);

            FakeMlflowServer.Run run = server.run(parent);
            assertEquals(server.uri().replace("://", "://u:***@"), run.params().get("output.mlflow.tracking_uri"));
            assertEquals("smart-tuner-demo", run.params().get("output.mlflow.experiment"));
            String everything = server.runs() + "\n" + String.join("\n", logs.lines()) + "\n" + report;
            assertFalse(everything.contains(PW), everything);
        }
    }
}
