package org.smarttuner.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smarttuner.config.ConfigTestSupport.VALID;
import static org.smarttuner.config.ConfigTestSupport.only;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** output.mlflow.rung_artifacts and spoken_sample_iterations (issue #18 item 5). */
class MlflowArtifactsConfigTest {
    @TempDir
    Path dir;
    ConfigTestSupport t;

    @BeforeEach
    void setUp() {
        t = new ConfigTestSupport(dir);
    }

    @Test
    void rungArtifactsAreOnWithA32IterationSampleByDefaultAndCanBeTurnedOff() {
        OutputConfig.MlflowConfig m = t.load(VALID).output().mlflow();
        assertTrue(m.rungArtifacts());
        assertEquals(32, m.spokenSampleIterations());
        assertEquals(32, m.rungArtifactSetting());
        assertEquals(0, t.load(VALID, "output.mlflow.spoken_sample_iterations=0").output().mlflow()
                .rungArtifactSetting(), "images only");
        OutputConfig.MlflowConfig off = t.load(VALID, "output.mlflow.rung_artifacts=false").output().mlflow();
        assertFalse(off.rungArtifacts());
        assertEquals(-1, off.rungArtifactSetting());
    }

    @Test
    void badValuesNameTheKeyAndWhatIsAllowed() {
        String neg = only(t.errors(VALID, "output.mlflow.spoken_sample_iterations=-1"),
                "output.mlflow.spoken_sample_iterations").toString();
        assertTrue(neg.contains("-1") && neg.contains("1000"), neg);
        String word = only(t.errors(VALID, "output.mlflow.rung_artifacts=sometimes"), "output.mlflow.rung_artifacts")
                .toString();
        assertTrue(word.contains("sometimes"), word);
    }
}
