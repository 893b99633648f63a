package org.smarttuner.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smarttuner.tracking.TrackerFixture.epoch;
import static org.smarttuner.tracking.TrackerFixture.id;
import static org.smarttuner.tracking.TrackerFixture.params;
import static org.smarttuner.tracking.TrackerFixture.study;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.Property;
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

    private final List<String> logged = new CopyOnWriteArrayList<>();
    private AbstractAppender capture;
    private Level rootBefore;
    private Level ourBefore;
    private java.util.logging.Handler julCapture;
    private java.util.logging.Level julBefore;

    @BeforeEach
    void captureEveryLogLine() {
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        rootBefore = ctx.getRootLogger().getLevel();
        ourBefore = ctx.getLogger("org.smarttuner").getLevel();
        capture = new AbstractAppender("capture-secrets", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                StringWriter out = new StringWriter();
                out.append(event.getLevel().name()).append(' ').append(event.getLoggerName()).append(' ')
                        .append(event.getMessage().getFormattedMessage());
                if (event.getThrown() != null) {
                    event.getThrown().printStackTrace(new PrintWriter(out));
                }
                logged.add(out.toString());
            }
        };
        capture.start();
        ctx.getConfiguration().getRootLogger().addAppender(capture, Level.ALL, null);
        Configurator.setRootLevel(Level.ALL);
        Configurator.setLevel("org.smarttuner", Level.ALL);
        ctx.updateLoggers();
        // The JDK's HTTP client logs through System.Logger, which goes to java.util.logging here.
        java.util.logging.Logger julRoot = java.util.logging.Logger.getLogger("");
        julBefore = julRoot.getLevel();
        julCapture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                logged.add("JUL " + r.getLoggerName() + " " + new java.util.logging.SimpleFormatter().formatMessage(r));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        julCapture.setLevel(java.util.logging.Level.ALL);
        julRoot.addHandler(julCapture);
        julRoot.setLevel(java.util.logging.Level.ALL);
    }

    @AfterEach
    void restoreLogging() {
        java.util.logging.Logger julRoot = java.util.logging.Logger.getLogger("");
        julRoot.removeHandler(julCapture);
        julRoot.setLevel(julBefore);
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        ctx.getConfiguration().getRootLogger().removeAppender(capture.getName());
        Configurator.setRootLevel(rootBefore);
        Configurator.setLevel("org.smarttuner", ourBefore);
        ctx.updateLoggers();
        capture.stop();
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
