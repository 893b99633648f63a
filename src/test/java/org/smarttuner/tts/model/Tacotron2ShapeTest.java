package org.smarttuner.tts.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.smarttuner.tts.data.Batch;

class Tacotron2ShapeTest {
    private static final Device CPU = Device.cpu();

    @Test
    void teacherForcedShapes() {
        try (NDManager trial = NDManager.newBaseManager(CPU)) {
            Tacotron2 model = new Tacotron2(TestBatches.tiny(), 20, 10, trial, CPU, Map.of());
            try (NDManager step = trial.newSubManager(CPU)) {
                Batch batch = TestBatches.random(step, CPU, 1, 20, 10, new int[] {7, 4, 5}, new int[] {13, 9, 11}, 1);
                Tacotron2Output out = model.forward(batch, true, step);
                assertEquals(new Shape(3, 10, 13), out.mel().getShape());
                assertEquals(new Shape(3, 10, 13), out.melPostnet().getShape());
                assertEquals(new Shape(3, 13), out.gate().getShape());
                assertEquals(new Shape(3, 13, 7), out.alignments().getShape());
            }
        }
    }

    @Test
    void reductionFactorGroupsFrames() {
        try (NDManager trial = NDManager.newBaseManager(CPU)) {
            Tacotron2 model = new Tacotron2(TestBatches.withFramesPerStep(TestBatches.tiny(), 3), 20, 10, trial, CPU,
                    Map.of());
            try (NDManager step = trial.newSubManager(CPU)) {
                Batch batch = TestBatches.random(step, CPU, 1, 20, 10, new int[] {7, 4}, new int[] {13, 9}, 3);
                Tacotron2Output out = model.forward(batch, false, step);
                assertEquals(new Shape(2, 10, 15), out.melPostnet().getShape());
                assertEquals(new Shape(2, 15), out.gate().getShape());
                assertEquals(new Shape(2, 5, 7), out.alignments().getShape());
            }
        }
    }

    @Test
    void attentionNeverLooksAtPadding() {
        try (NDManager trial = NDManager.newBaseManager(CPU)) {
            Tacotron2 model = new Tacotron2(TestBatches.tiny(), 20, 10, trial, CPU, Map.of());
            try (NDManager step = trial.newSubManager(CPU)) {
                Batch batch = TestBatches.random(step, CPU, 2, 20, 10, new int[] {8, 3}, new int[] {10, 6}, 1);
                NDArray align = model.forward(batch, true, step).alignments();
                NDArray padded = align.get("1, :, 3:");
                assertEquals(0f, padded.sum().getFloat(), 0f, "weights on padded tokens");
                float rowSum = align.get("1, 0, :").sum().getFloat();
                assertEquals(1f, rowSum, 1e-5f);
            }
        }
    }

    @Test
    void encoderIgnoresPaddingContent() {
        // the same utterance padded with different garbage ids must give the same output for its real part
        try (NDManager trial = NDManager.newBaseManager(CPU)) {
            ai.djl.engine.Engine.getInstance().setRandomSeed(3);
            Tacotron2 model = new Tacotron2(TestBatches.tiny(), 20, 10, trial, CPU, Map.of());
            try (NDManager step = trial.newSubManager(CPU)) {
                Batch a = TestBatches.random(step, CPU, 5, 20, 10, new int[] {4, 9}, new int[] {6, 6}, 1);
                NDArray textB = a.text().duplicate();
                textB.set(new ai.djl.ndarray.index.NDIndex("0, 4:"), 7);
                Batch b = new Batch(new ai.djl.ndarray.NDList(textB, a.textLengths(), a.mel(), a.gate(),
                        a.melLengths(), a.textMask(), a.melMask(), a.gateMask()));
                Encoder enc = encoderOf(model);
                NDArray outA = enc.apply(a.text(), a.textMask(), new long[] {4, 9}, false, step);
                NDArray outB = enc.apply(b.text(), b.textMask(), new long[] {4, 9}, false, step);
                assertTrue(outA.get("0, :4, :").allClose(outB.get("0, :4, :"), 1e-5, 1e-6, false));
                assertEquals(0f, outA.get("0, 4:, :").abs().sum().getFloat(), 0f);
            }
        }
    }

    @Test
    void wrongMelBandsIsAClearError() {
        try (NDManager trial = NDManager.newBaseManager(CPU)) {
            Tacotron2 model = new Tacotron2(TestBatches.tiny(), 20, 10, trial, CPU, Map.of());
            try (NDManager step = trial.newSubManager(CPU)) {
                Batch batch = TestBatches.random(step, CPU, 1, 20, 8, new int[] {3}, new int[] {5}, 1);
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> model.forward(batch, true, step));
                assertTrue(e.getMessage().contains("8 mel bands"), e.getMessage());
            }
        }
    }

    @Test
    void forwardLeavesNothingInTheTrialManager() {
        try (NDManager trial = NDManager.newBaseManager(CPU)) {
            Tacotron2 model = new Tacotron2(TestBatches.tiny(), 20, 10, trial, CPU, Map.of());
            int before = trial.getManagedArrays().size();
            try (NDManager step = trial.newSubManager(CPU)) {
                Batch batch = TestBatches.random(step, CPU, 1, 20, 10, new int[] {5, 3}, new int[] {7, 4}, 1);
                model.forward(batch, true, step);
            }
            assertEquals(before, trial.getManagedArrays().size());
        }
    }

    static Encoder encoderOf(Tacotron2 model) {
        try {
            var f = Tacotron2.class.getDeclaredField("encoder");
            f.setAccessible(true);
            return (Encoder) f.get(model);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
