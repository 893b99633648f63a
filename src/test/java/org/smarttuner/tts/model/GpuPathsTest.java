package org.smarttuner.tts.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.smarttuner.tts.data.Batch;
import org.smarttuner.tts.torch.CudaProbe;
import org.smarttuner.tts.torch.TorchFlags;
import org.smarttuner.tts.train.GuidedAttention;
import org.smarttuner.tts.train.Tacotron2Loss;

/**
 * The GPU's code paths: libtorch's native convolutions (cuDNN there) in the convolution layers and
 * the attention's location layer, and the guided-attention matrix built on the device. On the CPU
 * the convolution branches run forward against im2col (their shapes, padding and kernel layout);
 * where a GPU is present, a whole training step runs on it and is compared with the CPU's.
 */
class GpuPathsTest {
    private static final Device CPU = Device.cpu();

    /** The tiny model without dropout, so two devices draw no different masks. */
    private static ModelSettings noDropout() {
        return new ModelSettings("small", 16, 2, 5, 16, 0.0, 32, 16, 4, 7, 32, 16, 0.0, 16, 5, 3, 0.0, 2, 0.0, 0.0,
                0.5, 50);
    }

    @Test
    void theNativeConvolutionBranchesMatchIm2colOnTheCpu() {
        try (NDManager trial = NDManager.newBaseManager(CPU)) {
            Engine.getInstance().setRandomSeed(21);
            Tacotron2 model = new Tacotron2(noDropout(), 20, 10, trial, CPU, Map.of());
            try (NDManager step = trial.newSubManager(CPU)) {
                Batch batch = TestBatches.random(step, CPU, 4, 20, 10, new int[] {7, 4, 6}, new int[] {12, 8, 10}, 2);
                Tacotron2Output im2col = model.forward(batch, false, step);
                Tacotron2Output nativeConv;
                SameConv.nativeOnCpu = true;
                try {
                    nativeConv = model.forward(batch, false, step);
                } finally {
                    SameConv.nativeOnCpu = false;
                }
                assertClose("mel", im2col.mel(), nativeConv.mel(), 1e-4);
                assertClose("postnet mel", im2col.melPostnet(), nativeConv.melPostnet(), 1e-4);
                assertClose("gate", im2col.gate(), nativeConv.gate(), 1e-4);
                assertClose("alignments", im2col.alignments(), nativeConv.alignments(), 1e-4);
            }
        }
    }

    @Test
    void aTrainingStepOnTheGpuMatchesTheCpu() {
        CudaProbe.CudaInfo cuda = CudaProbe.probe();
        assumeTrue(cuda.devices() > 0, "skipped: no GPU on this machine (" + cuda.problem() + "); this test runs "
                + "the cuDNN convolutions and the on-device guided attention wherever a GPU is present");
        Device gpu = Device.gpu(0);
        TorchFlags.State before = TorchFlags.read();
        TorchFlags.apply(false, false); // full float32 on both sides for the comparison
        try (NDManager cpuTrial = NDManager.newBaseManager(CPU); NDManager gpuTrial = NDManager.newBaseManager(gpu)) {
            Engine.getInstance().setRandomSeed(22);
            Tacotron2 onCpu = new Tacotron2(noDropout(), 20, 10, cpuTrial, CPU, Map.of());
            Map<String, NDArray> weights = new LinkedHashMap<>(onCpu.params().all());
            Tacotron2 onGpu = new Tacotron2(noDropout(), 20, 10, gpuTrial, gpu, weights);
            Map<String, float[]> cpuGrads = new LinkedHashMap<>();
            Map<String, float[]> gpuGrads = new LinkedHashMap<>();
            float cpuLoss = step(onCpu, CPU, cpuGrads);
            float gpuLoss = step(onGpu, gpu, gpuGrads);
            assertEquals(cpuLoss, gpuLoss, 1e-4 * Math.max(1, Math.abs(cpuLoss)), "loss on the GPU vs the CPU");
            TestBatches.assertGradientsClose(cpuGrads, gpuGrads, 1e-3, "GPU vs CPU");
        } finally {
            TorchFlags.apply(Boolean.TRUE.equals(before.tf32Matmul()), Boolean.TRUE.equals(before.cudnnBenchmark()));
        }
    }

    /** One forward and backward with guided attention on; the loss and every gradient, on the host. */
    private static float step(Tacotron2 model, Device device, Map<String, float[]> grads) {
        try (NDManager step = model.params().manager().newSubManager(device)) {
            Batch batch = TestBatches.random(step, device, 11, 20, 10, new int[] {7, 4, 5}, new int[] {14, 9, 12}, 2);
            Tacotron2Loss loss = new Tacotron2Loss(new GuidedAttention(1.0, 0.2), 5.0);
            float total;
            Tacotron2Output o;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                o = model.forward(batch, true, step);
                NDArray t = loss.compute(o, batch, 2, step).total();
                total = t.getFloat();
                gc.backward(t);
            }
            Map<String, NDArray> g = new LinkedHashMap<>();
            for (Map.Entry<String, NDArray> e : model.params().trainable().entrySet()) {
                NDArray grad = e.getValue().getGradient();
                grad.attach(step);
                g.put(e.getKey(), grad);
            }
            o.deferred().addTo(g, step);
            g.forEach((k, v) -> grads.put(k, v.toDevice(CPU, true).toFloatArray()));
            return total;
        }
    }

    private static void assertClose(String what, NDArray a, NDArray b, double tol) {
        assertEquals(a.getShape(), b.getShape(), what + " shape");
        float diff = a.sub(b).abs().max().getFloat();
        float scale = Math.max(1f, a.abs().max().getFloat());
        assertTrue(diff <= tol * scale, what + ": native convolution differs from im2col by " + diff);
    }
}
