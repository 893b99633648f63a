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

}
