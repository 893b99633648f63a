package org.smarttuner.tts.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.junit.jupiter.api.Test;

class VoiceMetricsTest {
    @Test
    void accumulatorGivesMeansOverUtterances() {
        VoiceMetrics.Accumulator acc = new VoiceMetrics.Accumulator();
        acc.add(new UtteranceVoice(6.0, 6.6, 0.1, true, 0.9));
        acc.add(new UtteranceVoice(8.0, 16.0, 1.0, false, 0.3));
        acc.add(new UtteranceVoice(7.0, 9.8, 0.4, true, 0.6));
        acc.add(new UtteranceVoice(9.0, 13.5, 0.5, true, 0.2));
        VoiceMetrics m = acc.result();
        assertEquals(7.5, m.mcd(), 1e-12);
        assertEquals(11.475, m.mcdSl(), 1e-12);
        assertEquals(0.5, m.stopError(), 1e-12);
        assertEquals(0.75, m.stopRate(), 1e-12);
        assertEquals(0.5, m.attention(), 1e-12);
        assertEquals(4, m.utterances());
        assertTrue(m.measured());
    }

    @Test
    void nothingAddedIsNotMeasured() {
        assertSame(VoiceMetrics.NONE, new VoiceMetrics.Accumulator().result());
        assertFalse(VoiceMetrics.NONE.measured());
        assertTrue(Double.isNaN(VoiceMetrics.NONE.mcd()));
        assertTrue(Double.isNaN(VoiceMetrics.NONE.mcdSl()));
        assertTrue(Double.isNaN(VoiceMetrics.NONE.stopError()));
        assertTrue(Double.isNaN(VoiceMetrics.NONE.stopRate()));
        assertTrue(Double.isNaN(VoiceMetrics.NONE.attention()));
    }

    @Test
    void travelsBetweenExecutorAndDriver() throws Exception {
        VoiceMetrics m = new VoiceMetrics(7.25, 8.0, 0.125, 0.5, 0.875, 8);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(m);
            out.writeObject(VoiceMetrics.NONE);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertEquals(m, in.readObject());
            VoiceMetrics none = (VoiceMetrics) in.readObject();
            assertFalse(none.measured());
            assertEquals(VoiceMetrics.NONE, none, "records compare NaN components as equal");
        }
    }

    /** MCD-DTW-SL: a synthesis twice too long, or half as long, counts double; the right length not at all. */
    @Test
    void theSpeechLengthPenaltyIsTheRatioOfTheLongerLengthToTheShorter() {
        assertEquals(1.0, UtteranceVoice.lengthPenalty(99, 99), 0.0);
        assertEquals(2.0, UtteranceVoice.lengthPenalty(198, 99), 1e-12);
        assertEquals(2.0, UtteranceVoice.lengthPenalty(50, 100), 1e-12);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> UtteranceVoice.lengthPenalty(0, 10));
    }
}
