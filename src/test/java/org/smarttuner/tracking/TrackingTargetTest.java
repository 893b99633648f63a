package org.smarttuner.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TrackingTargetTest {

    @Test
    void noUriAnywhereMeansTrackingOff() {
        assertEquals(Optional.empty(), TrackingTarget.resolve(Optional.empty(), Map.of()));
        assertEquals(Optional.empty(), TrackingTarget.resolve(Optional.of("  "), Map.of("MLFLOW_TRACKING_URI", "")));
        StudyTracker t;
        try (LogCapture logs = new LogCapture()) {
            t = Trackers.open(Optional.empty(), "e", Duration.ofSeconds(1), 100, Map.of(), i -> { });
            assertEquals(List.of("INFO org.smarttuner.tracking.Trackers MLflow tracking is off (no "
                    + "output.mlflow.tracking_uri and no MLFLOW_TRACKING_URI)"), logs.lines().stream()
                    .filter(l -> l.contains("org.smarttuner")).toList());
        }
        assertTrue(t instanceof NoopTracker);
        assertEquals(Optional.empty(), t.studyStarted(new StudyInfo("s", Map.of(), "tpe", "asha", "h", "v",
                Optional.empty())).join());
        assertTrue(t.close(Duration.ZERO).complete());
    }

    @Test
    void configUriWinsOverTheEnvironment() {
        TrackingTarget t = TrackingTarget.resolve(Optional.of("http://a:5000/"),
                Map.of("MLFLOW_TRACKING_URI", "http://b:5000", "MLFLOW_TRACKING_TOKEN", "tok")).orElseThrow();
        assertEquals("http://a:5000", t.host());
        assertEquals("Bearer tok", MlflowApi.header(t.credentials().orElseThrow()));
        assertEquals("http://b:5000",
                TrackingTarget.resolve(Optional.empty(), Map.of("MLFLOW_TRACKING_URI", "http://b:5000")).orElseThrow().host());
    }

    @Test
    void databricksTakesHostAndTokenFromTheEnvironment() {
        TrackingTarget t = TrackingTarget.resolve(Optional.of("databricks"),
                Map.of("DATABRICKS_HOST", "adb-1.azuredatabricks.net", "DATABRICKS_TOKEN", "dapi-secret")).orElseThrow();
        assertEquals("https://adb-1.azuredatabricks.net", t.host());
        assertTrue(t.databricks());
        assertFalse(t.toString().contains("dapi-secret"), t.toString());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrackingTarget.resolve(Optional.of("databricks://prod"), Map.of("DATABRICKS_HOST", "h")));
        assertEquals("output.mlflow.tracking_uri is 'databricks://prod', which needs DATABRICKS_HOST and "
                + "DATABRICKS_TOKEN in the environment (missing: DATABRICKS_TOKEN); profiles in ~/.databrickscfg "
                + "are not read", e.getMessage());
    }

    @Test
    void unusableUrisAreRefusedWithWhatIsAllowed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrackingTarget.resolve(Optional.empty(), Map.of("MLFLOW_TRACKING_URI", "file:/tmp/mlruns")));
        assertEquals("MLFLOW_TRACKING_URI is 'file:/tmp/mlruns', which the Java tracking client cannot use (a local "
                + "file store needs Python MLflow; start `mlflow server` and point at it); allowed: http://host:port, "
                + "https://..., databricks or databricks://profile", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TrackingTarget.resolve(Optional.of("http://"), Map.of()));
        assertTrue(e.getMessage().startsWith("output.mlflow.tracking_uri 'http://' is not a valid URL"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TrackingTarget.resolve(Optional.of("http://h"),
                Map.of("MLFLOW_TRACKING_USERNAME", "me")));
        assertEquals("MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD must be set together (only the user name "
                + "is set)", e.getMessage());
    }


    private static final String PW = "s3cr3t-PW-123";

    private static TrackingTarget target(String uri, Map<String, String> env) {
        return TrackingTarget.resolve(Optional.of(uri), env).orElseThrow();
    }

    private static IllegalArgumentException refused(String uri, Map<String, String> env) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrackingTarget.resolve(Optional.of(uri), env));
        assertFalse(e.getMessage().contains(PW), e.getMessage());
        assertFalse(String.valueOf(e.getCause()).contains(PW), "cause: " + e.getCause());
        return e;
    }

    @Test
    void userInfoInTheUriBecomesBasicCredentialsAndLeavesTheHost() {
        TrackingTarget t = target("http://alice:" + PW + "@mlflow.example:5000/", Map.of());
        assertEquals("http://mlflow.example:5000", t.host());
        Credentials.Basic basic = (Credentials.Basic) t.credentials().orElseThrow();
        assertEquals("alice", basic.user());
        assertEquals("output.mlflow.tracking_uri", basic.source());
        assertEquals("Basic " + java.util.Base64.getEncoder().encodeToString(("alice:" + PW).getBytes(
                java.nio.charset.StandardCharsets.UTF_8)), MlflowApi.header(basic));
        assertFalse(t.toString().contains(PW), t.toString());

        // Percent-decoded, strictly: %40 is '@', %3A ':', %25 '%', '+' stays a plus, UTF-8 multi-byte too.
        TrackingTarget encoded = target("https://a%40corp:p%3Aw%25+%C3%A9@h", Map.of());
        assertEquals("https://h", encoded.host());
        assertEquals("Basic " + java.util.Base64.getEncoder().encodeToString("a@corp:p:w%+é".getBytes(
                java.nio.charset.StandardCharsets.UTF_8)), MlflowApi.header(encoded.credentials().orElseThrow()));
        // From MLFLOW_TRACKING_URI the source says so.
        assertEquals("MLFLOW_TRACKING_URI", TrackingTarget.resolve(Optional.empty(),
                Map.of("MLFLOW_TRACKING_URI", "http://u:" + PW + "@h")).orElseThrow().credentials().orElseThrow().source());
    }

    @Test
    void aMalformedUserPartIsRefusedNamingTheSettingNotTheSecret() {
        IllegalArgumentException e = refused("http://alice:" + PW + "%zz@h:5000", Map.of());
        assertTrue(e.getMessage().startsWith("output.mlflow.tracking_uri: the password in the URL's user:password part "
                + "has a '%' that is not followed by two hex digits (malformed percent-encoding); "
                + "allowed: http(s)://user:password@host:port"), e.getMessage());
        e = refused("http://al%4:" + PW + "@h", Map.of());
        assertTrue(e.getMessage().contains("the user name in the URL's user:password part has a '%'"), e.getMessage());
        e = refused("http://" + PW + "@h", Map.of());
        assertTrue(e.getMessage().startsWith("output.mlflow.tracking_uri: the URL has a user part before '@' but no "
                + "':password' in it (not shown: it may be a token)"), e.getMessage());
        e = refused("http://u:" + PW + "%C3@h", Map.of());
        assertTrue(e.getMessage().contains("is not UTF-8 once percent-decoded"), e.getMessage());
        // A raw '/' in a password cuts the authority short: no host Java can find, and the text is not shown.
        e = refused("http://u:s3cr3t/PW-123@h", Map.of());
        assertEquals("output.mlflow.tracking_uri '(not shown: it has an '@', so it may hold a password)' is not a valid "
                + "URL: it has no host name", e.getMessage());
        e = refused("http://u:s3cr3t/P W@h", Map.of());
        assertTrue(e.getMessage().startsWith("output.mlflow.tracking_uri '(not shown: it has an '@', so it may hold a "
                + "password)' is not a valid URL: Illegal character in path"), e.getMessage());
        assertFalse(e.getMessage().contains("at character"), e.getMessage());
        assertFalse(e.getMessage().contains("s3cr3t"), e.getMessage());
    }

    @Test
    void userInfoAndDifferentEnvironmentCredentialsAreAnErrorTheSameOnesAreFine() {
        String uri = "http://alice:" + PW + "@h";
        IllegalArgumentException e = refused(uri, Map.of("MLFLOW_TRACKING_USERNAME", "alice",
                "MLFLOW_TRACKING_PASSWORD", "other"));
        assertEquals("output.mlflow.tracking_uri has a user:password, and MLFLOW_TRACKING_USERNAME/"
                + "MLFLOW_TRACKING_PASSWORD give a different password; allowed: the credentials in one place (remove "
                + "the user:password from the URI, or unset the two variables)", e.getMessage());
        e = refused(uri, Map.of("MLFLOW_TRACKING_USERNAME", "bob", "MLFLOW_TRACKING_PASSWORD", PW));
        assertTrue(e.getMessage().contains("give a different user name"), e.getMessage());

        TrackingTarget same = target(uri, Map.of("MLFLOW_TRACKING_USERNAME", "alice", "MLFLOW_TRACKING_PASSWORD", PW));
        assertEquals("alice", ((Credentials.Basic) same.credentials().orElseThrow()).user());
        TrackingTarget envOnly = target("http://h", Map.of("MLFLOW_TRACKING_USERNAME", "bob",
                "MLFLOW_TRACKING_PASSWORD", PW));
        assertEquals("MLFLOW_TRACKING_USERNAME/MLFLOW_TRACKING_PASSWORD", envOnly.credentials().orElseThrow().source());
    }

    @Test
    void aTokenWinsOverAUserAndPasswordAsInMlflowWithAWarning() {
        TrackingTarget t = target("https://alice:" + PW + "@h", Map.of("MLFLOW_TRACKING_TOKEN", "tok-" + PW));
        assertEquals("Bearer tok-" + PW, MlflowApi.header(t.credentials().orElseThrow()));
        assertEquals(List.of("MLFLOW_TRACKING_TOKEN is set, so the user and password from output.mlflow.tracking_uri "
                + "are not sent (a token wins, as in MLflow); unset one of them"), t.warnings());
        assertEquals("https://h", t.host());
    }

    @Test
    void credentialsOverPlainHttpToAnotherHostGetAWarningNamingTheRisk() {
        TrackingTarget t = target("http://mlflow.example:5000", Map.of("MLFLOW_TRACKING_TOKEN", PW));
        assertEquals(List.of("the MLflow credentials from MLFLOW_TRACKING_TOKEN go to http://mlflow.example:5000 over "
                + "plain http, unencrypted: anyone on the network path can read and reuse them; use https:// (or a "
                + "tunnel to localhost)"), t.warnings());
        assertTrue(target("http://u:" + PW + "@10.0.0.7:5000", Map.of()).warnings().get(0)
                .startsWith("the MLflow credentials from output.mlflow.tracking_uri go to http://10.0.0.7:5000 over plain"));
        // https, loopback (a tunnel) or no credentials at all: nothing to warn about.
        assertEquals(List.of(), target("https://mlflow.example", Map.of("MLFLOW_TRACKING_TOKEN", PW)).warnings());
        for (String local : List.of("http://localhost:5000", "http://127.0.0.1:5000", "http://[::1]:5000")) {
            assertEquals(List.of(), target(local, Map.of("MLFLOW_TRACKING_TOKEN", PW)).warnings(), local);
        }
        assertEquals(List.of(), target("http://mlflow.example:5000", Map.of()).warnings());
    }

    @Test
    void insecureTlsFollowsMlflowsBooleanRuleAndIsNamedInAWarning() {
        TrackingTarget t = target("https://h", Map.of("MLFLOW_TRACKING_INSECURE_TLS", "TRUE"));
        assertTrue(t.insecureTls());
        assertEquals(1, t.warnings().size(), t.warnings().toString());
        assertTrue(t.warnings().get(0).startsWith("MLFLOW_TRACKING_INSECURE_TLS=true: the TLS certificate and host "
                + "name of https://h are not checked"), t.warnings().get(0));
        assertTrue(target("https://h", Map.of("MLFLOW_TRACKING_INSECURE_TLS", "1")).insecureTls());
        for (String off : List.of("false", "0", "", " False ")) {
            TrackingTarget o = target("https://h", Map.of("MLFLOW_TRACKING_INSECURE_TLS", off));
            assertFalse(o.insecureTls(), off);
            assertEquals(List.of(), o.warnings(), off);
        }
        IllegalArgumentException e = refused("https://h", Map.of("MLFLOW_TRACKING_INSECURE_TLS", "yes"));
        assertEquals("MLFLOW_TRACKING_INSECURE_TLS is 'yes'; allowed: true, false, 1 or 0 (any case)", e.getMessage());
        TrackingTarget http = target("http://h", Map.of("MLFLOW_TRACKING_INSECURE_TLS", "true"));
        assertFalse(http.insecureTls());
        assertEquals(List.of("MLFLOW_TRACKING_INSECURE_TLS=true has no effect: output.mlflow.tracking_uri http://h is "
                + "plain http (no TLS)"), http.warnings());
    }
}
