package org.smarttuner.tts.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import org.junit.jupiter.api.Test;

class SkippedStepsTest {
    @Test
    void onlyTooManyOverflowingStepsInARowStopTheTrial() {
        SkippedSteps s = new SkippedSteps();
        for (int i = 0; i < SkippedSteps.LIMIT; i++) {
            assertFalse(s.skip(), "skip " + (i + 1));
        }
        s.taken();
        for (int i = 0; i < SkippedSteps.LIMIT; i++) {
            assertFalse(s.skip());
        }
        assertTrue(s.skip(), "one more in a row than the limit");
        assertEquals(2L * SkippedSteps.LIMIT + 1, s.total());
    }

    @Test
    void anOverflowedGradientIsZeroedInPlaceNotTurnedIntoNan() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray g = m.create(new float[] {Float.POSITIVE_INFINITY, 1f, Float.NaN, -3f}, new ai.djl.ndarray.types.Shape(2, 2));
            g.set(new NDIndex("..."), 0f);
            assertArrayEquals(new float[] {0, 0, 0, 0}, g.toFloatArray());
        }
    }
}
