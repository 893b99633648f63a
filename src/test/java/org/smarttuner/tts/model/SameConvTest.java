package org.smarttuner.tts.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv1d;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

class SameConvTest {
    @Test
    void matchesLibtorchConvolutionForward() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray x = m.randomNormal(new Shape(3, 6, 11));
            NDArray w = m.randomNormal(new Shape(4, 6, 5));
            NDArray b = m.randomNormal(new Shape(4));
            NDArray ours = SameConv.apply(x, w, b, m);
            NDArray torch = Conv1d.conv1d(x, w, b, new Shape(1), new Shape(2), new Shape(1)).singletonOrThrow();
            assertEquals(torch.getShape(), ours.getShape());
            assertTrue(ours.allClose(torch, 1e-4, 1e-4, false));
        }
    }

    @Test
    void gatherIndexReadsShiftedWindows() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray idx = SameConv.gatherIndex(1, 1, 3, 2, m);
            assertEquals(new Shape(1, 1, 6), idx.getShape());
            org.junit.jupiter.api.Assertions.assertArrayEquals(new long[] {0, 1, 2, 1, 2, 3}, idx.toLongArray());
        }
    }

    /** The reason SameConv exists: its backward pass stays finite where libtorch's CPU conv did not. */
    @Test
    void backwardIsAlwaysFinite() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray w = m.randomNormal(new Shape(10, 16, 5));
            w.setRequiresGradient(true);
            for (int rep = 0; rep < 100; rep++) {
                try (NDManager s = m.newSubManager()) {
                    NDArray x = s.randomNormal(new Shape(3, 16, 13));
                    x.setRequiresGradient(true);
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        gc.backward(SameConv.apply(x, w, null, s).square().sum());
                    }
                    NDArray g = x.getGradient();
                    g.attach(s);
                    assertTrue(Float.isFinite(g.sum().getFloat()), "NaN input gradient at repetition " + rep);
                }
            }
        }
    }
}
