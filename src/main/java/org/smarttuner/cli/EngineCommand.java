package org.smarttuner.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.smarttuner.tts.torch.CudaProbe;
import org.smarttuner.tts.torch.NativeTorch;
import org.smarttuner.tts.torch.TorchFlags;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** What this JVM's DJL sees: libtorch and where it came from, CUDA, cuDNN, GPUs, math flags; one check per device. */
@Command(name = "engine", mixinStandardHelpOptions = true,
        description = {"Show what the PyTorch engine sees here: which libtorch was loaded and from where (an",
            "archive, the bundled natives), DJL's version, the CUDA runtime, driver and cuDNN it can use,",
            "each GPU (name, compute capability, memory), TF32 and cuDNN settings; then run one matrix",
            "product on every device and check the result. Exit 1 when a check fails."})
final class EngineCommand implements Callable<Integer> {
    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
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
        PrintWriter w = spec.commandLine().getOut();
        if (json) {
            w.println(new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS).writeValueAsString(out));
        } else {
            w.println(source.describe());
            w.printf(Locale.ROOT, "libtorch %s, DJL %s, loaded from %s, %d threads%n", engine.getVersion(),
                    Engine.getDjlVersion(), torch.get("path"), (Integer) torch.get("threads"));
            w.println("CUDA: " + cuda.describe());
            for (Map<String, Object> g : gpus) {
                if (g.containsKey("memory_total_mib")) {
                    w.printf(Locale.ROOT, "gpu %s memory: %s MiB total, %s MiB free%n", g.get("index"),
                            g.get("memory_total_mib"), g.get("memory_free_mib"));
                }
            }
            w.println("flags: " + flags.describe());
            for (Map<String, Object> m : checks) {
                w.printf(Locale.ROOT, "check %s: %s (%.0f ms)%s%n", m.get("device"),
                        Boolean.TRUE.equals(m.get("ok")) ? "ok" : "FAILED", (Double) m.get("ms"),
                        m.containsKey("error") ? " " + m.get("error") : "");
            }
        }
        w.flush();
        return ok ? Main.OK : Main.RUNTIME_ERROR;
    }
}
