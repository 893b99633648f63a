package org.smarttuner.tts.torch;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What this JVM's PyTorch engine sees (libtorch and where it came from, DJL, CUDA runtime, driver,
 * cuDNN, each GPU with its memory, TF32 and cuDNN flags), with one checked matrix product on every
 * device; for {@code smart-tuner engine} and the GPU check.
 */
public final class EngineReport {
    private EngineReport() {
    }

    /** Collects the report and runs the checks; {@code ok} is false when a check failed. */
    public static Map<String, Object> collect() {
        NativeTorch.Source source = NativeTorch.prepare();
        Engine engine = Engine.getEngine("PyTorch");
        CudaProbe.CudaInfo cuda = CudaProbe.probe();
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Object> torch = new LinkedHashMap<>();
        torch.put("version", engine.getVersion());
        torch.put("source", source.kind());
        torch.put("flavor", source.flavor());
        torch.put("path", ai.djl.pytorch.jni.LibUtils.getLibtorchPath());
        torch.put("djl", Engine.getDjlVersion());
        torch.put("threads", ai.djl.pytorch.jni.JniUtils.getNumThreads());
        out.put("libtorch", torch);
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("devices", cuda.devices());
        c.put("runtime", cuda.runtime().map(Object::toString).orElse(null));
        c.put("runtime_version", cuda.runtimeVersion() > 0 ? CudaProbe.version(cuda.runtimeVersion()) : null);
        c.put("driver_supports", cuda.driverVersion() > 0 ? CudaProbe.version(cuda.driverVersion()) : null);
        c.put("cudnn", cuda.cudnnVersion() > 0 ? cuda.cudnnVersion() : null);
        List<Map<String, Object>> gpus = new ArrayList<>();
        for (CudaProbe.Gpu g : cuda.gpus()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("index", g.index());
            m.put("name", g.name());
            m.put("compute_capability", g.ccMajor() + "." + g.ccMinor());
            m.put("multiprocessors", g.multiprocessors());
            long[] mem = CudaProbe.memory(g.index());
            if (mem != null) {
                m.put("memory_total_mib", mem[1] / 1048576);
                m.put("memory_free_mib", mem[0] / 1048576);
            }
            gpus.add(m);
        }
        c.put("gpus", gpus);
        c.put("problem", cuda.problem().isEmpty() ? null : cuda.problem());
        out.put("cuda", c);
        TorchFlags.State flags = TorchFlags.read();
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("tf32_matmul", flags.tf32Matmul());
        f.put("tf32_cudnn", flags.tf32Cudnn());
        f.put("cudnn_benchmark", flags.cudnnBenchmark());
        out.put("flags", f);
        List<Map<String, Object>> checks = new ArrayList<>();
        boolean ok = true;
        List<Device> devices = new ArrayList<>(List.of(Device.cpu()));
        for (int i = 0; i < cuda.devices(); i++) {
            devices.add(Device.gpu(i));
        }
        for (Device d : devices) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("device", d.toString());
            long t0 = System.nanoTime();
            try (NDManager nd = NDManager.newBaseManager(d)) {
                // (64 x 64 of ones) x (64 x 64 of twos): every entry is exactly 128
                NDArray a = nd.ones(new Shape(64, 64));
                NDArray b = nd.full(new Shape(64, 64), 2f);
                float[] r = a.matMul(b).toDevice(Device.cpu(), false).toFloatArray();
                boolean right = true;
                for (float v : r) {
                    right &= v == 128f;
                }
                m.put("ok", right);
                ok &= right;
            } catch (RuntimeException e) {
                m.put("ok", false);
                m.put("error", e.toString());
                ok = false;
            }
            m.put("ms", (System.nanoTime() - t0) / 1e6);
            checks.add(m);
        }
        out.put("checks", checks);
        out.put("ok", ok);
        return out;
    }
}
