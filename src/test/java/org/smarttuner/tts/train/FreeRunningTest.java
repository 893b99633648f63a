package org.smarttuner.tts.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.smarttuner.tts.model.ModelSettings;
import org.smarttuner.tts.model.Tacotron2;
import org.smarttuner.tts.model.TestBatches;

/** Batched free-running synthesis: each row stops on its own gate or at its own step limit. */
class FreeRunningTest {
    private static final Device CPU = Device.cpu();

    private static ModelSettings withGate(double threshold, int r) {
        ModelSettings s = TestBatches.withFramesPerStep(TestBatches.tiny(), r);
        return new ModelSettings(s.preset(), s.symbolsEmbeddingDim(), s.encoderNConvolutions(), s.encoderKernelSize(),
                s.encoderEmbeddingDim(), s.encoderDropout(), s.attentionRnnDim(), s.attentionDim(),
                s.attentionLocationNFilters(), s.attentionLocationKernelSize(), s.decoderRnnDim(), s.prenetDim(),
                s.prenetDropout(), s.postnetEmbeddingDim(), s.postnetKernelSize(), s.postnetNConvolutions(),
                s.postnetDropout(), r, s.pAttentionDropout(), s.pDecoderDropout(), threshold, s.maxDecoderSteps());
    }

    private static List<FreeRunning.Utterance> speak(ModelSettings s, long[] lengths, int[] limits) {
        try (NoGradient g = NoGradient.open(); NDManager m = NDManager.newBaseManager(CPU)) {
            m.getEngine().setRandomSeed(11);
            Tacotron2 model = new Tacotron2(s, 20, 10, m, CPU, Map.of());
            int t = (int) java.util.Arrays.stream(lengths).max().orElseThrow();
            long[] ids = new long[lengths.length * t];
            float[] mask = new float[lengths.length * t];
            for (int i = 0; i < lengths.length; i++) {
                for (int j = 0; j < lengths[i]; j++) {
                    ids[i * t + j] = 1 + (i + j) % 19;
                    mask[i * t + j] = 1;
                }
            }
            NDArray text = m.create(ids, new Shape(lengths.length, t));
            NDArray textMask = m.create(mask, new Shape(lengths.length, t));
            return FreeRunning.speak(model, text, textMask, lengths, limits, m);
        }
    }

    @Test
    void aGateThatNeverFiresRunsEachRowToItsOwnLimit() {
        // sigmoid never exceeds 1: nothing stops, every row ends at its own limit, r frames a step
        List<FreeRunning.Utterance> u = speak(withGate(1.0, 2), new long[] {4, 7, 2}, new int[] {3, 9, 5});
        assertEquals(3, u.size());
        int[] limits = {3, 9, 5};
        long[] lengths = {4, 7, 2};
        for (int i = 0; i < 3; i++) {
            assertFalse(u.get(i).stopped(), "row " + i);
            assertEquals(limits[i], u.get(i).steps(), "row " + i);
            assertEquals(2 * limits[i], u.get(i).mel().frames(), "row " + i);
            assertEquals(limits[i], u.get(i).alignment().length, "row " + i);
            assertEquals(lengths[i], u.get(i).alignment()[0].length, "row " + i + ": its own text positions");
            float rowSum = 0;
            for (float w : u.get(i).alignment()[0]) {
                rowSum += w;
            }
            assertEquals(1f, rowSum, 1e-4f, "attention over a row's own text sums to 1");
        }
    }

    @Test
    void aGateThatAlwaysFiresStopsEveryRowAtTheFirstStep() {
        List<FreeRunning.Utterance> u = speak(withGate(0.0, 1), new long[] {5, 3}, new int[] {50, 50});
        for (FreeRunning.Utterance x : u) {
            assertTrue(x.stopped());
            assertEquals(1, x.steps());
            assertEquals(1, x.mel().frames());
        }
    }

    @Test
    void stepLimitsFollowTheRecordingsLength() {
        assertEquals(100, FreeRunning.stepLimit(100, 2.0, 2));
        assertEquals(67, FreeRunning.stepLimit(99, 1.35, 2), "rounded up");
        assertEquals(1, FreeRunning.stepLimit(1, 1.0, 3), "at least one step");
        assertArrayEquals(new int[] {1}, new int[] {FreeRunning.stepLimit(0, 2.0, 1)});
    }

    @Test
    void aRowWithNoTextIsRefusedWithAReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> speak(withGate(0.5, 1), new long[] {3, 0}, new int[] {5, 5}));
        assertTrue(e.getMessage().contains("row 1 has no text to speak"), e.getMessage());
    }
}
