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

    private static final String PW = "s3cr3t-PW-123";

    private static List<String> warnings(LogCapture capture, String containing) {
        return capture.lines().stream().filter(l -> l.startsWith("WARN") && l.contains(containing)).toList();
    }

    /** A study with one trial, closed after at most {@code wait}: the sender has tried every request by then. */
    private static TrackingReport oneTrial(MlflowTracker t, String name, Duration wait) {
        t.studyStarted(study(name, Optional.empty()));
        t.trialStarted(0, params(0), Optional.empty());
        t.epochMetrics(0, 0, epoch(0, 0));
        t.epochMetrics(0, 1, epoch(0, 1));
        t.trialFinished(0, TrialOutcome.COMPLETE, OptionalDouble.of(1), Optional.empty());
        return t.close(wait);
    }

    @Test
    void aUserAndPasswordInTheUriGoOutAsBasicAuthAndNowhereElse() throws Exception {
        try (FakeMlflowServer server = FakeMlflowServer.start()) {
            server.requireBasic("alice", PW);
            String uri = server.uri().replace("://", "://alice:" + PW + "@");

            // The server refuses a client without credentials, as a server with auth does.
            TrackingReport anonymous = oneTrial(new TrackerFixture().start(TrackerFixture.settings(server.uri(), 1000)),
                    "anonymous", Duration.ofSeconds(10));
            assertFalse(anonymous.complete());
            assertTrue(anonymous.unsent().stream().anyMatch(u -> u.reason().contains("HTTP 401")), anonymous::toString);
            int before = server.wire().size();

            StudyTracker t = Trackers.open(Optional.of(uri), "tts-tuning", Duration.ofSeconds(30), 1000, Map.of(),
                    item -> { });
            String parent = id(t.studyStarted(new StudyInfo("basic", Map.of("output.mlflow.tracking_uri", uri),
                    "tpe", "asha", "h", "v", Optional.empty())));
            t.trialStarted(0, params(0), Optional.empty());
            t.trialFinished(0, TrialOutcome.FAIL, OptionalDouble.empty(), Optional.of("could not read " + uri + "/x"));
            TrackingReport report = t.close(Duration.ofSeconds(30));
            assertTrue(report.complete(), report::toString);

            String basic = "Basic " + java.util.Base64.getEncoder().encodeToString(("alice:" + PW).getBytes(
                    java.nio.charset.StandardCharsets.UTF_8));
            List<FakeMlflowServer.Wire> wire = server.wire().subList(before, server.wire().size());
            assertFalse(wire.isEmpty());
            for (FakeMlflowServer.Wire w : wire) {
                assertEquals(Optional.of(basic), w.authorization(), w.toString());
                assertFalse(w.requestUri().contains("@") || w.host().contains("@"), "user part on the wire: " + w);
            }
            FakeMlflowServer.Run run = server.run(parent);
            assertEquals(server.uri().replace("://", "://alice:***@"), run.params().get("output.mlflow.tracking_uri"));
            FakeMlflowServer.Run trial = server.children(parent).get(0);
            assertEquals("could not read " + server.uri().replace("://", "://alice:***@") + "/x",
                    trial.tags().get("smarttuner.reason"));
            String everything = String.join("\n", capture.lines()) + "\n" + server.runs() + "\n" + report + "\n"
                    + anonymous;
            assertFalse(everything.contains(PW), everything);
            assertTrue(capture.lines().stream().anyMatch(l -> l.contains("MLflow tracking to " + server.uri()
                    + " (experiment 'tts-tuning', signing in with the user and password from "
                    + "output.mlflow.tracking_uri)")), everything);
        }
    }

    @Test
    void aTokenOverPlainHttpToAnotherHostIsWarnedAboutOnce() {
        // .invalid never resolves: every request fails and is retried, and the warning still comes once.
        TrackingTarget target = TrackingTarget.resolve(Optional.of("http://mlflow.invalid:5000"),
                Map.of("MLFLOW_TRACKING_TOKEN", PW)).orElseThrow();
        TrackingReport report = oneTrial(new TrackerFixture().start(TrackerFixture.settings(target, 1000)), "http-token",
                Duration.ofSeconds(2));
        assertFalse(report.complete());
        List<String> warned = warnings(capture, "over plain http");
        assertEquals(1, warned.size(), String.join("\n", capture.lines()));
        assertEquals("WARN org.smarttuner.tracking.MlflowTracker the MLflow credentials from MLFLOW_TRACKING_TOKEN go to "
                + "http://mlflow.invalid:5000 over plain http, unencrypted: anyone on the network path can read and "
                + "reuse them; use https:// (or a tunnel to localhost)", warned.get(0));
        assertFalse(String.join("\n", capture.lines()).contains(PW));
    }

    @Test
    void insecureTlsReachesASelfSignedServerAndSaysSoOnce() throws Exception {
        javax.net.ssl.SSLContext tls = SelfSignedTls.serverContext(dir, "not-this-host.example");
        try (FakeMlflowServer server = FakeMlflowServer.startHttps(tls)) {
            // Verified (the default): the self-signed certificate for another name is refused.
            TrackingTarget verified = TrackingTarget.resolve(Optional.of(server.uri()), Map.of()).orElseThrow();
            TrackingReport refused = oneTrial(new TrackerFixture().start(TrackerFixture.settings(verified, 1000)),
                    "verified", Duration.ofSeconds(2));
            assertFalse(refused.complete());
            assertEquals(0, server.runs().size());
            assertEquals(List.of(), warnings(capture, "MLFLOW_TRACKING_INSECURE_TLS"));

            // Unverified on request: certificate and host name unchecked, everything arrives, one warning names it.
            TrackingTarget insecure = TrackingTarget.resolve(Optional.of(server.uri()),
                    Map.of("MLFLOW_TRACKING_INSECURE_TLS", "true")).orElseThrow();
            TrackingReport ok = oneTrial(new TrackerFixture().start(TrackerFixture.settings(insecure, 1000)), "insecure",
                    Duration.ofSeconds(30));
            assertTrue(ok.complete(), ok::toString);
            assertEquals(2, server.runs().size());
            List<String> warned = warnings(capture, "MLFLOW_TRACKING_INSECURE_TLS");
            assertEquals(List.of("WARN org.smarttuner.tracking.MlflowTracker MLFLOW_TRACKING_INSECURE_TLS=true: the TLS "
                    + "certificate and host name of " + server.uri() + " are not checked, so anyone on the network "
                    + "path can pose as the server and read the credentials and results; use it only with a test "
                    + "server"), warned);
        }
    }

    private static String post(FakeMlflowServer server, String endpoint, String json) throws Exception {
        java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
                .newBuilder(java.net.URI.create(server.uri() + "/api/2.0/mlflow/" + endpoint))
                .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString(json))
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }

    @Test
    void aParentRunWhoseParamAnEarlierVersionLoggedWithThePasswordIsReusedWithAWarningNotTheOldValue()
            throws Exception {
        try (FakeMlflowServer server = FakeMlflowServer.start()) {
            String uri = "http://alice:" + PW + "@mlflow.example:5000";
            // What a version before redaction left: the parent run with the password in a param.
            String experiment = new com.fasterxml.jackson.databind.ObjectMapper().readTree(post(server,
                    "experiments/create", "{\"name\": \"tts-tuning\"}")).path("experiment_id").asText();
            String runId = new com.fasterxml.jackson.databind.ObjectMapper().readTree(post(server, "runs/create",
                    "{\"experiment_id\": \"" + experiment + "\", \"run_name\": \"old\", \"start_time\": 1, \"tags\": ["
                    + "{\"key\": \"smarttuner.study\", \"value\": \"old\"}, {\"key\": \"smarttuner.role\", "
                    + "\"value\": \"study\"}]}")).path("run").path("info").path("run_id").asText();
            post(server, "runs/log-parameter", "{\"run_id\": \"" + runId + "\", \"key\": "
                    + "\"output.mlflow.tracking_uri\", \"value\": \"" + uri + "\"}");

            MlflowTracker t = new TrackerFixture().start(server);
            String parent = id(t.studyStarted(new StudyInfo("old", Map.of("output.mlflow.tracking_uri", uri), "tpe",
                    "asha", "h", "v", Optional.empty())));
            TrackingReport report = t.close(Duration.ofSeconds(30));
            assertEquals(runId, parent, "the old run is reused");
            assertTrue(report.complete(), report::toString);
            List<String> warned = warnings(capture, "holds a URL with a password");
            assertEquals(List.of("WARN org.smarttuner.tracking.Sender MLflow: param 'output.mlflow.tracking_uri' of run "
                    + runId + " holds a URL with a password (logged by an earlier version of this tool); MLflow cannot "
                    + "change or delete params, so change that password"), warned);
            assertFalse((String.join("\n", capture.lines()) + report).contains(PW));
        }
    }
}
