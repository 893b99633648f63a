package org.smarttuner.tts.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.smarttuner.tts.data.Batch;
import org.smarttuner.tts.model.TestBatches;

class TrainingSessionTest {
    private static final Device CPU = Device.cpu();

    @Test
    void everyParameterChangesAfterOneStep() {
        try (TrainingGuard g = TrainingGuard.acquire("test"); NDManager trial = NDManager.newBaseManager(CPU)) {
            TrainingSession s = TrainingSession.fresh(TestBatches.tiny(),
                    TestData.withOptimizer(TestData.training(1), "adam", 1e-3, 0, 1.0), 20, 10, trial, CPU);
            Map<String, NDArray> before = new LinkedHashMap<>();
            s.model().params().trainable().forEach((k, a) -> before.put(k, a.duplicate()));
            try (NDManager scope = trial.newSubManager(CPU)) {
                Batch batch = TestBatches.random(scope, CPU, 1, 20, 10, new int[] {6, 4, 5}, new int[] {12, 9, 7}, 1);
                StepStats st = s.trainStep(batch, 0, scope);
                assertTrue(Double.isFinite(st.loss()) && st.loss() > 0);
            }
            for (Map.Entry<String, NDArray> e : s.model().params().trainable().entrySet()) {
                assertFalse(e.getValue().contentEquals(before.get(e.getKey())), e.getKey() + " did not change");
            }
        }
    }

    @Test
    void stepsLeaveNothingBehindInTheTrialManager() {
        try (TrainingGuard g = TrainingGuard.acquire("test"); NDManager trial = NDManager.newBaseManager(CPU)) {
            TrainingSession s = TrainingSession.fresh(TestBatches.tiny(), TestData.training(1), 20, 10, trial, CPU);
            int[] counts = new int[3];
            for (int i = 0; i < 3; i++) {
                try (NDManager scope = trial.newSubManager(CPU)) {
                    Batch batch = TestBatches.random(scope, CPU, i, 20, 10, new int[] {6, 4}, new int[] {12, 9}, 1);
                    s.trainStep(batch, 0, scope);
                }
                counts[i] = trial.getManagedArrays().size();
            }
            // the first step creates the Adam moments; later steps must add nothing
            assertEquals(counts[1], counts[2]);
            assertEquals(counts[0], counts[1]);
        }
    }
}
