package org.smarttuner.tts.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.smarttuner.tts.data.Batch;

/**
 * The decoder's deferred weight gradients ({@link DeferredGradients}) must equal what autograd
 * computes when every step multiplies by the weight itself: same dropout masks (same seed), same
 * batch, every parameter compared.
 */
class DeferredGradientsTest {
    private static final Device CPU = Device.cpu();

    @Test
    void deferredGradientsEqualPlainAutogradForEveryParameter() {
        for (int r : new int[] {1, 2}) {
            try (NDManager trial = NDManager.newBaseManager(CPU)) {
                Engine.getInstance().setRandomSeed(5);
                Tacotron2 model = new Tacotron2(TestBatches.withFramesPerStep(TestBatches.tiny(), r), 20, 10, trial,
                        CPU, Map.of());
                Map<String, float[]> plain = gradients(model, false, r);
                Map<String, float[]> deferred = gradients(model, true, r);
                TestBatches.assertGradientsClose(plain, deferred, 1e-4, "r=" + r);
                for (String name : List.of(Decoder.ATTENTION_RECURRENT_WEIGHT, Decoder.DECODER_WEIGHT)) {
                    float max = 0;
                    for (float v : deferred.get(name)) {
                        max = Math.max(max, Math.abs(v));
                    }
                    assertTrue(max > 1e-6, name + ": the deferred gradient must not be zero");
                }
            }
        }
    }

    @Test
    void onlyTrainingPassesDeferAndTheyNameTheRecurrentWeights() {
        try (NDManager trial = NDManager.newBaseManager(CPU);
                NDManager step = trial.newSubManager(CPU)) {
            Tacotron2 model = new Tacotron2(TestBatches.tiny(), 20, 10, trial, CPU, Map.of());
            Batch batch = TestBatches.random(step, CPU, 3, 20, 10, new int[] {6, 4}, new int[] {9, 7}, 1);
            assertTrue(model.forward(batch, false, step).deferred().isEmpty());
            assertEquals(List.of(Decoder.ATTENTION_RECURRENT_WEIGHT, Decoder.DECODER_WEIGHT),
                    model.forward(batch, true, step).deferred().weights());
        }
    }

    /** One backward pass on a fixed batch and seed; the gradients by parameter name. */
    private static Map<String, float[]> gradients(Tacotron2 model, boolean defer, int r) {
        Map<String, float[]> out = new LinkedHashMap<>();
        try (NDManager step = model.params().manager().newSubManager(CPU)) {
            Batch batch = TestBatches.random(step, CPU, 11, 20, 10, new int[] {7, 4, 5}, new int[] {14, 9, 12}, r);
            Engine.getInstance().setRandomSeed(99);
            Tacotron2Output o;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                o = model.forward(batch, true, defer, step);
                NDArray loss = o.mel().sub(batch.mel()).square().mean()
                        .add(o.melPostnet().sub(batch.mel()).square().mean())
                        .add(ai.djl.nn.Activation.sigmoid(o.gate()).mean());
                gc.backward(loss);
            }
            Map<String, NDArray> grads = new LinkedHashMap<>();
            for (Map.Entry<String, NDArray> e : model.params().trainable().entrySet()) {
                NDArray g = e.getValue().getGradient();
                g.attach(step);
                grads.put(e.getKey(), g);
            }
            o.deferred().addTo(grads, step);
            grads.forEach((k, g) -> {
                out.put(k, g.toFloatArray());
                g.subi(g);
            });
        }
        return out;
    }
}
