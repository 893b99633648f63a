package org.smarttuner.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smarttuner.tracking.TrackerFixture.epoch;
import static org.smarttuner.tracking.TrackerFixture.id;
import static org.smarttuner.tracking.TrackerFixture.params;
import static org.smarttuner.tracking.TrackerFixture.study;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tokens go into Authorization headers and nowhere else: not logs (at any level), params, tags or reports. */
class TrackingSecretsTest {
    private static final String TOKEN = "dapi0123456789abcdefSECRET";
    private static final String WRONG = "dapiWRONGTOKEN987654321";

    @TempDir
    Path dir;

    private LogCapture capture;

    @BeforeEach
    void captureEveryLogLine() {
        capture = new LogCapture();
    }

    @AfterEach
    void restoreLogging() {
        capture.close();
    }

    @Test
    void aDatabricksTokenNeverShowsInLogsParamsTagsOrReports() throws Exception {
        try (FakeMlflowServer server = FakeMlflowServer.start()) {
            server.requireToken(TOKEN);
            Path png = Files.writeString(dir.resolve("align.png"), "png");

            // Right token: everything arrives, REST and artifact upload alike.
            StudyTracker ok = Trackers.open(Optional.of("databricks"), "tts-tuning", Duration.ofSeconds(30), 1000,
                    Map.of("DATABRICKS_HOST", server.uri(), "DATABRICKS_TOKEN", TOKEN), item -> { });
            String parent = id(ok.studyStarted(study("secret-study", Optional.empty())));
            ok.trialStarted(0, params(0), Optional.empty());
            ok.epochMetrics(0, 0, epoch(0, 0));
            ok.artifact(0, png, "alignment");
            ok.trialFinished(0, TrialOutcome.COMPLETE, OptionalDouble.of(1), Optional.empty());
            TrackingReport good = ok.close(Duration.ofSeconds(30));
            assertTrue(good.complete(), () -> good.unsent().toString());
            assertEquals(1, server.children(parent).size());
            assertEquals(1, server.artifacts().size());

            // Wrong token: refused (401), reported, logged, and still no token anywhere.
            TrackingTarget wrong = TrackingTarget.resolve(Optional.of("databricks"),
                    Map.of("DATABRICKS_HOST", server.uri(), "DATABRICKS_TOKEN", WRONG)).orElseThrow();
            MlflowTracker bad = new TrackerFixture().start(TrackerFixture.settings(wrong, 1000));
            bad.studyStarted(study("secret-study-2", Optional.empty()));
            bad.trialStarted(0, params(0), Optional.empty());
            bad.epochMetrics(0, 0, epoch(0, 0));
            TrackingReport refused = bad.close(Duration.ofSeconds(30));
            assertFalse(refused.complete());
            assertTrue(refused.unsent().stream().anyMatch(u -> u.reason().contains("HTTP 401")), refused::toString);

            List<String> logged = capture.lines();
            String everything = String.join("\n", logged) + "\n" + good + "\n" + refused + "\n" + wrong + "\n"
                    + TrackerFixture.settings(wrong, 10) + "\n" + server.runs();
            // The capture works: it saw our INFO and WARN lines and the fake server's debug-free answers.
            assertTrue(logged.stream().anyMatch(l -> l.contains("MLflow tracking to " + server.uri())), everything);
            assertTrue(logged.stream().anyMatch(l -> l.startsWith("WARN") && l.contains("HTTP 401")), everything);
            assertTrue(logged.stream().anyMatch(l -> l.startsWith("JUL ")), "java.util.logging captured too");
            assertFalse(everything.contains(TOKEN), "the right token leaked");
            assertFalse(everything.contains(WRONG), "the wrong token leaked");
            assertFalse(everything.contains("dapi"), "part of a token leaked");
        }
    }
}
