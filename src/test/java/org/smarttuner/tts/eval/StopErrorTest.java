package org.smarttuner.tts.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StopErrorTest {
    @Test
    void shareOfTheReferenceLength() {
        assertEquals(0.0, StopError.of(200, 200, true), 0.0);
        assertEquals(0.1, StopError.of(220, 200, true), 1e-12);
        assertEquals(0.1, StopError.of(180, 200, true), 1e-12, "short counts like long");
        assertEquals(1.0, StopError.of(0, 200, true), 0.0);
    }

    @Test
    void neverStoppingAndRunningAwayBothCountOne() {
        assertEquals(1.0, StopError.of(200, 200, false), 0.0, "the length is the step limit's, not the gate's");
        assertEquals(1.0, StopError.of(600, 200, true), 0.0, "3x is clamped");
    }

    @Test
    void badInputsAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StopError.of(10, 0, true));
        assertTrue(e.getMessage().contains("reference has 0 frames"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> StopError.of(-1, 10, true));
        assertTrue(e.getMessage().contains("generated frames is -1"), e.getMessage());
    }
}
