package org.smarttuner.tts.torch;

import ai.djl.Device;
import ai.djl.engine.Engine;

/** Prepares the device a training runs on and says, in one line kept with the trial, how it ran. */
public final class DeviceSetup {
    private DeviceSetup() {
    }

    /**
     * On a GPU: sets TF32 and cuDNN's autotuner as asked and reads them back from libtorch. Returns
     * e.g. "gpu 0: NVIDIA H200 (compute capability 9.0, 132 SMs); libtorch 2.5.1 (cu124); CUDA
     * runtime 12.4, cuDNN 9.1.0; tf32 matmul on, tf32 cudnn on, cudnn benchmark on".
     */
    public static String prepare(Device device, boolean tf32, boolean cudnnBenchmark) {
        Engine engine = Engine.getEngine("PyTorch");
        NativeTorch.Source source = NativeTorch.prepare();
        String torch = "libtorch " + engine.getVersion() + (source.kind().equals("classpath") ? ""
                : " (" + source.flavor() + ", " + source.kind() + ")");
        if (!device.isGpu()) {
            return "cpu; " + torch;
        }
        TorchFlags.State flags = TorchFlags.apply(tf32, cudnnBenchmark);
        CudaProbe.CudaInfo cuda = CudaProbe.probe();
        String gpu = cuda.gpus().stream().filter(g -> g.index() == device.getDeviceId()).findFirst()
                .map(g -> g.describe() + (tf32 && !g.tf32Capable() ? " (no TF32 below compute capability 8.0)" : ""))
                .orElse("?");
        String versions = "CUDA runtime " + CudaProbe.version(cuda.runtimeVersion())
                + (cuda.cudnnVersion() > 0 ? ", cuDNN " + cuda.cudnn() : "");
        return "gpu " + device.getDeviceId() + ": " + gpu + "; " + torch + "; " + versions + "; " + flags.describe();
    }
}
