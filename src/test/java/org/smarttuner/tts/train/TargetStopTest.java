package org.smarttuner.tts.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TargetStopTest {
    private static EpochMetrics epoch(double trainLoss, double valLoss, double mel, double gate, double score) {
        return new EpochMetrics(1, trainLoss, valLoss, mel, 0.0, gate, score, org.smarttuner.tts.eval.VoiceMetrics.NONE, 1e-3, 100, 1.0, 1, 0);
    }

    @Test
    void minimizeMeansAtOrBelowAndMaximizeAtOrAbove() {
        TargetStop min = TargetStop.of("val_loss", "minimize", 0.5);
        assertTrue(min.reachedBy(0.5));
        assertTrue(min.reachedBy(0.4));
        assertFalse(min.reachedBy(0.51));
        TargetStop max = TargetStop.of("attention_sharpness", "maximize", 0.5);
        assertTrue(max.reachedBy(0.5));
        assertTrue(max.reachedBy(0.9));
        assertFalse(max.reachedBy(0.49));
        assertEquals("val_loss <= 0.5", min.describe());
        assertEquals("attention_sharpness >= 0.5", max.describe());
    }

    @Test
    void nonFiniteValuesNeverReachATarget() {
        assertFalse(TargetStop.of("val_loss", "minimize", 0.5).reachedBy(Double.NaN));
        assertFalse(TargetStop.of("val_loss", "minimize", 0.5).reachedBy(Double.NEGATIVE_INFINITY));
        assertFalse(TargetStop.of("attention_sharpness", "maximize", 0.5).reachedBy(Double.POSITIVE_INFINITY));
    }

    @Test
    void eachStudyMetricReadsItsOwnField() {
        EpochMetrics e = epoch(1, 2, 3, 4, 0.5);
        assertEquals(1, TargetStop.of("train_loss", "minimize", 0).value(e));
        assertEquals(2, TargetStop.of("val_loss", "minimize", 0).value(e));
        assertEquals(3, TargetStop.of("val_mel_loss", "minimize", 0).value(e));
        assertEquals(4, TargetStop.of("val_gate_loss", "minimize", 0).value(e));
        assertEquals(0.5, TargetStop.of("attention_sharpness", "maximize", 0).value(e));
        assertTrue(TargetStop.of("val_mel_loss", "minimize", 3).reachedBy(e));
        assertFalse(TargetStop.of("val_gate_loss", "minimize", 3).reachedBy(e));
    }

    @Test
    void badRulesAreRefusedWithTheirReason() {
        IllegalArgumentException m = assertThrows(IllegalArgumentException.class,
                () -> TargetStop.of("val_los", "minimize", 1));
        assertTrue(m.getMessage().contains("unknown study metric 'val_los'"), m.getMessage());
        IllegalArgumentException d = assertThrows(IllegalArgumentException.class,
                () -> TargetStop.of("val_loss", "lower", 1));
        assertTrue(d.getMessage().contains("minimize or maximize"), d.getMessage());
        IllegalArgumentException t = assertThrows(IllegalArgumentException.class,
                () -> TargetStop.of("val_loss", "minimize", Double.NaN));
        assertTrue(t.getMessage().contains("finite"), t.getMessage());
    }
}
